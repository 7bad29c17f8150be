using Qdrant.Client;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.ContractTests;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// The shared <see cref="IProductIndex"/> contract against a real Qdrant server. Each test gets
/// its own collection prefix, and its collections and alias are deleted afterwards.
/// </summary>
public sealed class QdrantProductIndexContractTests : ProductIndexContractTests, IClassFixture<QdrantServer>
{
    private readonly QdrantServer _server;
    private QdrantClient? _client;
    private QdrantIndexOptions? _options;

    public QdrantProductIndexContractTests(QdrantServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        if (server.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    protected override async Task<IProductIndex> CreateIndexAsync(CancellationToken cancellationToken)
    {
        if (_server.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        _options = new QdrantIndexOptions
        {
            Endpoint = _server.Endpoint!,
            ApiKey = _server.ApiKey,
            CollectionPrefix = "contract-" + Guid.NewGuid().ToString("N")[..12],
            FilterableAttributes = { FilterableAttribute },
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        _client = QdrantProductIndex.CreateClient(_options);
        var index = new QdrantProductIndex(_client, _options);
        var server = await index.CheckServerAsync(cancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"Qdrant {server.ServerVersion} from {_server.Source}, client {server.ClientVersion}, prefix {_options.CollectionPrefix}");
        return index;
    }

    protected override async ValueTask DisposeIndexAsync(IProductIndex index)
    {
        if (_client is null || _options is null)
        {
            return;
        }

        // Leave the server as it was: the alias first, then every collection of this prefix.
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var alias = _options.CollectionPrefix + "-live";
        var aliases = await _client.ListAliasesAsync(cleanup.Token);
        if (aliases.Any(a => a.AliasName == alias))
        {
            await _client.DeleteAliasAsync(alias, cancellationToken: cleanup.Token);
        }

        foreach (var collection in await _client.ListCollectionsAsync(cleanup.Token))
        {
            if (collection.StartsWith(_options.CollectionPrefix + "-", StringComparison.Ordinal))
            {
                await _client.DeleteCollectionAsync(collection, cancellationToken: cleanup.Token);
            }
        }

        _client.Dispose();
    }
}
