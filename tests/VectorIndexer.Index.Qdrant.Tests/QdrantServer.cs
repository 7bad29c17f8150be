using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// The Qdrant server the integration tests run against: the one
/// <see cref="UrlVariable"/> names, else a container of the image pinned in docker-compose.yml
/// when a Docker engine answers. Where neither exists, <see cref="SkipReason"/> says so and every
/// test that needs the server skips with that reason (they are never passed, never left out).
/// A Docker engine that answers but cannot start the container fails the tests instead.
/// </summary>
public sealed class QdrantServer : IAsyncLifetime
{
    /// <summary>gRPC endpoint of an existing server, e.g. <c>http://localhost:6334</c>.</summary>
    public const string UrlVariable = "VECTORINDEXER_TEST_QDRANT_URL";

    /// <summary>API key of that server, if it needs one.</summary>
    public const string ApiKeyVariable = "VECTORINDEXER_TEST_QDRANT_API_KEY";

    private const int RestPort = 6333;
    private const int GrpcPort = 6334;

    private IContainer? _container;

    /// <summary>The gRPC endpoint; null when skipped.</summary>
    public Uri? Endpoint { get; private set; }

    public string? ApiKey { get; private set; }

    /// <summary>Where the server comes from, for the test log.</summary>
    public string Source { get; private set; } = string.Empty;

    /// <summary>Why the Qdrant tests are skipped here; null when a server is available.</summary>
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrWhiteSpace(url))
        {
            Endpoint = new Uri(url);
            ApiKey = Environment.GetEnvironmentVariable(ApiKeyVariable);
            Source = $"{UrlVariable}={url}";
            return;
        }

        var (available, detail) = await DockerEngine.ProbeAsync(TimeSpan.FromSeconds(3), cancellationToken);
        if (!available)
        {
            SkipReason = $"No Qdrant server: {UrlVariable} is not set and no Docker engine is reachable ({detail}). " +
                $"Set {UrlVariable} to a Qdrant gRPC endpoint, or run the tests where Docker runs to start the image pinned in docker-compose.yml.";
            return;
        }

        var image = ComposeFile.ServiceImage("qdrant");
        _container = new ContainerBuilder(image)
            .WithPortBinding(RestPort, assignRandomHostPort: true)
            .WithPortBinding(GrpcPort, assignRandomHostPort: true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPort(RestPort).ForPath("/readyz")))
            .Build();

        // Bounded: a pull plus start that takes longer than this is a broken environment.
        using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startTimeout.CancelAfter(TimeSpan.FromMinutes(5));
        await _container.StartAsync(startTimeout.Token);
        Endpoint = new UriBuilder(Uri.UriSchemeHttp, _container.Hostname, _container.GetMappedPublicPort(GrpcPort)).Uri;
        Source = $"container {image} ({detail})";
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
