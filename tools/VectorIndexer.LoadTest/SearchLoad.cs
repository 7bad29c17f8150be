using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using VectorIndexer.Evaluation;

namespace VectorIndexer.LoadTest;

/// <summary>Runs closed-loop clients against <c>GET /api/search</c>.</summary>
internal static class SearchLoad
{
    public static HttpClient CreateClient(LoadOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection per client, kept open: what a search front end's connection pool does.
            MaxConnectionsPerServer = Math.Max(1, options.Clients.Max()),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        return new HttpClient(handler) { BaseAddress = new Uri(options.BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Fails unless <c>/health/ready</c> answers 200 within a few seconds.</summary>
    public static async Task CheckReadyAsync(HttpClient http, LoadOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), timeout.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {options.BaseUrl}/health/ready answered {(int)response.StatusCode}.");
        }
    }

    /// <summary>Warms up, then measures <paramref name="clients"/> clients for the configured time.</summary>
    public static async Task<LoadResult> RunAsync(HttpClient http, LoadOptions options, IReadOnlyList<EvaluationQuery> queries, int clients, CancellationToken cancellationToken)
    {
        var paths = queries.Select(q => SearchPath(q.Text, options)).ToArray();
        var next = new QueryCursor(paths.Length);
        if (options.Warmup > TimeSpan.Zero)
        {
            await RunClientsAsync(http, paths, next, clients, options.Warmup, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        var samples = await RunClientsAsync(http, paths, next, clients, options.Duration, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return LoadResult.From(clients, elapsed, samples);
    }

    internal static string SearchPath(string query, LoadOptions options)
    {
        var path = new StringBuilder("api/search?q=").Append(Uri.EscapeDataString(query))
            .Append("&k=").Append(options.K.ToString(CultureInfo.InvariantCulture));
        if (options.Mode is not null)
        {
            path.Append("&mode=").Append(options.Mode);
        }

        return path.ToString();
    }

    private static async Task<List<Sample>> RunClientsAsync(HttpClient http, string[] paths, QueryCursor next, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientLoopAsync(http, paths, next, deadline, cancellationToken), cancellationToken)));
        return perClient.SelectMany(s => s).ToList();
    }

    private static async Task<List<Sample>> ClientLoopAsync(HttpClient http, string[] paths, QueryCursor next, long deadline, CancellationToken cancellationToken)
    {
        var samples = new List<Sample>(4096);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = paths[next.Next()];
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellationToken);
                var latency = Stopwatch.GetElapsedTime(start);
                var timing = ServerTiming.Parse(response.Headers.TryGetValues("Server-Timing", out var values) ? values : []);
                samples.Add(new Sample(latency, (int)response.StatusCode, timing.Embed, timing.Search));
            }
            catch (HttpRequestException)
            {
                samples.Add(new Sample(Stopwatch.GetElapsedTime(start), 0, null, null));
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // HttpClient's own timeout.
                samples.Add(new Sample(Stopwatch.GetElapsedTime(start), 0, null, null));
            }
        }

        return samples;
    }

    /// <summary>Hands out query indexes in turn to all clients.</summary>
    private sealed class QueryCursor(int count)
    {
        private long _next = -1;

        public int Next() => (int)((ulong)Interlocked.Increment(ref _next) % (ulong)count);
    }
}

/// <summary>One request: its latency seen by the client, status (0: no answer) and the server's timings.</summary>
internal readonly record struct Sample(TimeSpan Latency, int Status, double? EmbedMs, double? SearchMs)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
