using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace VectorIndexer.Index.Qdrant;

// Creating the gRPC client and checking the server it talks to.
public partial class QdrantProductIndex
{
    /// <summary>
    /// Creates the client the options describe: the API key on every call, TLS when configured,
    /// a self-signed certificate trusted by thumbprint, the per-call deadline. The caller owns it.
    /// </summary>
    public static QdrantClient CreateClient(QdrantIndexOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        var channel = QdrantChannel.ForAddress(
            options.ChannelAddress,
            new ClientConfiguration
            {
                ApiKey = string.IsNullOrEmpty(options.ApiKey) ? null : options.ApiKey,
                CertificateThumbprint = string.IsNullOrEmpty(options.CertificateThumbprint) ? null : options.CertificateThumbprint,
            });
        return new ChannelOwningQdrantClient(channel, options.RequestTimeout, loggerFactory);
    }

    /// <summary>
    /// Reads the server's version (for the host to call at start) and logs a warning when it is
    /// a minor version or more away from the client library's.
    /// </summary>
    /// <exception cref="QdrantUnavailableException">The server cannot be reached.</exception>
    public async Task<QdrantServerInfo> CheckServerAsync(CancellationToken cancellationToken = default)
    {
        var reply = await CallAsync("health check", generation: null, token => _client.HealthAsync(token), cancellationToken);
        var client = QdrantVersions.ClientVersion;
        var clientText = client?.ToString(3) ?? "unknown";
        VersionDrift? drift = null;
        if (client is not null && QdrantVersions.TryParse(reply.Version, out var server))
        {
            drift = QdrantVersions.Compare(client, server);
            if (drift >= VersionDrift.Minor)
            {
                Log.VersionMismatch(_logger, reply.Version, _options.Endpoint, clientText, drift.Value);
            }
        }
        else
        {
            Log.VersionUnknown(_logger, reply.Version, clientText);
        }

        if (!string.IsNullOrEmpty(_options.ApiKey) && !_options.TlsEnabled && !_options.Endpoint.IsLoopback)
        {
            Log.ApiKeyWithoutTls(_logger, _options.Endpoint);
        }

        Log.Connected(_logger, reply.Version, _options.Endpoint, clientText);
        return new QdrantServerInfo(reply.Version, clientText, drift);
    }
}
