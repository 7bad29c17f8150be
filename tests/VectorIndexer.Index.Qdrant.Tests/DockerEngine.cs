using System.Net.Sockets;
using System.Text;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// Finds out quickly, and without hanging, whether a Docker engine answers here: the one
/// <c>DOCKER_HOST</c> names, else the usual sockets. One <c>GET /_ping</c> with a short timeout.
/// </summary>
internal static class DockerEngine
{
    public static async Task<(bool Available, string Detail)> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            if (!string.IsNullOrWhiteSpace(host))
            {
                var uri = new Uri(host);
                return uri.Scheme switch
                {
                    "unix" => await PingSocketAsync(uri.AbsolutePath, deadline.Token),
                    "tcp" or "http" or "https" => await PingHttpAsync(uri, deadline.Token),
                    _ => (false, $"DOCKER_HOST={host} uses a scheme this probe does not handle"),
                };
            }

            foreach (var socket in CandidateSockets())
            {
                if (File.Exists(socket))
                {
                    return await PingSocketAsync(socket, deadline.Token);
                }
            }

            return (false, "DOCKER_HOST is not set and no Docker socket exists (/var/run/docker.sock, $XDG_RUNTIME_DIR/docker.sock, ~/.docker/run/docker.sock)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"the Docker engine ({host ?? "socket"}) did not answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is SocketException or IOException or HttpRequestException or UriFormatException)
        {
            return (false, $"the Docker engine ({host ?? "socket"}) is not reachable: {ex.Message}");
        }
    }

    private static IEnumerable<string> CandidateSockets()
    {
        yield return "/var/run/docker.sock";
        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
        {
            yield return Path.Combine(runtime, "docker.sock");
        }

        yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock");
    }

    private static async Task<(bool, string)> PingSocketAsync(string path, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"), SocketFlags.None, cancellationToken);
        var buffer = new byte[256];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        var status = Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0].Trim();
        return status.Contains(" 200", StringComparison.Ordinal)
            ? (true, $"Docker engine at unix://{path}")
            : (false, $"the Docker socket {path} answered '{status}'");
    }

    private static async Task<(bool, string)> PingHttpAsync(Uri host, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var scheme = host.Scheme == "https" ? "https" : "http";
        using var response = await http.GetAsync(new UriBuilder(scheme, host.Host, host.Port, "/_ping").Uri, cancellationToken);
        return response.IsSuccessStatusCode
            ? (true, $"Docker engine at {host}")
            : (false, $"the Docker engine at {host} answered {(int)response.StatusCode}");
    }
}
