using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// The product index on Qdrant. Each generation is a collection (cosine distance, payload indexes
/// on every filterable field) named after the prefix and its creation time; the live generation is
/// the one the alias <c>&lt;prefix&gt;-live</c> points to, switched by one atomic alias update. Reads
/// of the live generation go through the alias, so a switch never shows a half-built index.
/// Point ids are <see cref="ProductPointId"/>s, so upserts are idempotent without a lookup.
/// Every point also carries two named sparse vectors, <c>lexical</c> (BM25F over all indexed fields)
/// and <c>lexical-name</c> (the name fields), encoded here by <see cref="LexicalEncoder"/>; the
/// collection applies the IDF modifier, so Qdrant supplies IDF from its own statistics.
/// Each generation records the lexical settings it was built with and keeps encoding its documents
/// and queries with them; changed settings apply to the generations built after the change.
/// Searches use the Query API: dense by the default vector, lexical by <c>lexical</c>, hybrid by
/// prefetching each (with the filter) and fusing with weighted RRF; a lexical search of a collection
/// from before lexical search fails with <see cref="SearchModeNotSupportedException"/>, a hybrid one
/// falls back to dense. "Similar" queries by the stored point's id, server-side.
/// Transient gRPC failures are retried (<see cref="QdrantRetryPolicy"/>); the others surface as
/// <see cref="QdrantIndexException"/>, <see cref="ArgumentException"/> (a request Qdrant rejected
/// as invalid) or <see cref="GenerationNotFoundException"/>.
/// </summary>
public sealed class QdrantProductIndex : IProductIndex
{
    private const string ModelMetadataKey = "vectorindexer.model";
    private const string CreatedMetadataKey = "vectorindexer.createdAt";
    private const string LexicalMetadataKey = "vectorindexer.lexical";
    private const string LexicalSettingsMetadataKey = "vectorindexer.lexicalSettings";

    /// <summary>
    /// Qdrant's name of the default (unnamed) vector: the dense one is written under it in named
    /// form, selected by it, and returned under it when a point's vectors come back as a map.
    /// </summary>
    private const string DenseVectorName = "";

    /// <summary>The sparse vector of BM25F over every indexed field.</summary>
    public const string LexicalVectorName = "lexical";

    /// <summary>The sparse vector of BM25F over the name fields.</summary>
    public const string NameVectorName = "lexical-name";
    private const int IdsPerRequest = 1000;
    private const int MaxTieWindow = 10_000;
    private const int MaxProductIdLength = 128;
    private static readonly WithVectorsSelector NoVectors = new() { Enable = false };

    /// <summary>Only the dense vector: the sparse ones are derived from the product, not worth the transfer.</summary>
    /// <summary>Points per page of <see cref="ScanAsync"/>.</summary>
    private const uint ScanPageSize = 256;

    private static readonly WithVectorsSelector DenseOnly = new() { Include = new VectorsSelector { Names = { DenseVectorName } } };

    private readonly QdrantClient _client;
    private readonly QdrantIndexOptions _options;
    private readonly ProductSchema _schema;
    private readonly GenerationNames _names;
    private readonly QdrantRetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, int> _dimensions = new(StringComparer.Ordinal);
    /// <summary>Per collection, the encoder of its recorded lexical settings; null when it has no sparse vectors.</summary>
    private readonly ConcurrentDictionary<string, LexicalEncoder?> _encoders = new(StringComparer.Ordinal);

    /// <summary>The encoder of the configured settings, recorded in every generation created here.</summary>
    private readonly LexicalEncoder _lexical;

    /// <param name="client">The shared client (not disposed here).</param>
    /// <param name="options">Validated settings.</param>
    /// <param name="logger">Receives retries, generation changes and the version check.</param>
    /// <param name="timeProvider">Clock for generation names.</param>
    /// <param name="retryPolicy">Overrides the policy built from <paramref name="options"/>.</param>
    public QdrantProductIndex(
        QdrantClient client,
        QdrantIndexOptions options,
        ILogger<QdrantProductIndex>? logger = null,
        TimeProvider? timeProvider = null,
        QdrantRetryPolicy? retryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _client = client;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _schema = new ProductSchema(options.FilterableAttributes);
        _names = new GenerationNames(options.CollectionPrefix);
        _lexical = new LexicalEncoder(options.Lexical);
        _retry = retryPolicy ?? new QdrantRetryPolicy(options.MaxRetries, options.RetryBaseDelay, options.RetryMaxDelay, _logger);
    }

    /// <summary>The alias that names the live generation.</summary>
    public string LiveAlias => _names.LiveAlias;

    /// <summary>The filterable fields, for validating filters before they reach the index.</summary>
    public ProductSchema Schema => _schema;

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

    /// <inheritdoc />
    public async Task<IReadOnlyList<IndexGeneration>> ListGenerationsAsync(CancellationToken cancellationToken = default)
    {
        var collections = await CallAsync("list collections", generation: null, token => _client.ListCollectionsAsync(token), cancellationToken);
        var live = await GetLiveCollectionAsync(cancellationToken);
        var generations = new List<IndexGeneration>();
        foreach (var name in collections.Where(_names.IsGeneration))
        {
            try
            {
                generations.Add(await DescribeAsync(name, live, cancellationToken));
            }
            catch (GenerationNotFoundException)
            {
                // Dropped between the listing and the look-up.
            }
        }

        return [.. generations.OrderBy(g => g.CreatedAt).ThenBy(g => g.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<IndexGeneration?> GetLiveGenerationAsync(CancellationToken cancellationToken = default)
    {
        var live = await GetLiveCollectionAsync(cancellationToken);
        return live is null ? null : await DescribeAsync(live, live, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IndexGeneration> CreateGenerationAsync(IndexModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.Name, nameof(model));
        if (model.Dimensions is < 1 or > 65_536)
        {
            throw new ArgumentOutOfRangeException(nameof(model), model.Dimensions, "A model's dimensions must be between 1 and 65536.");
        }

        var now = _time.GetUtcNow();
        var name = _names.NewName(now);
        var metadata = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            [ModelMetadataKey] = model.Name,
            [CreatedMetadataKey] = now.ToUnixTimeMilliseconds(),
            [LexicalMetadataKey] = _lexical.Options.ToString(),
            [LexicalSettingsMetadataKey] = JsonSerializer.Serialize(_lexical.Options, QdrantJsonContext.Default.LexicalOptions),
        };
        var sparse = new SparseVectorConfig
        {
            Map =
            {
                [LexicalVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
                [NameVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
            },
        };
        await CallAsync(
            "create collection",
            generation: name,
            token => _client.CreateCollectionAsync(
                name,
                new VectorParams { Size = (ulong)model.Dimensions, Distance = Distance.Cosine },
                metadata: metadata,
                sparseVectorsConfig: sparse,
                cancellationToken: token),
            cancellationToken);

        var indexes = 0;
        try
        {
            foreach (var (field, type) in PayloadIndexes())
            {
                await CallAsync(
                    $"create payload index '{field}'",
                    generation: name,
                    token => _client.CreatePayloadIndexAsync(name, field, type, wait: true, cancellationToken: token),
                    cancellationToken);
                indexes++;
            }
        }
        catch
        {
            // Without its indexes the generation would filter slowly forever: leave nothing behind.
            await TryDeleteCollectionAsync(name);
            throw;
        }

        _dimensions[name] = model.Dimensions;
        _encoders[name] = _lexical;
        Log.GenerationCreated(_logger, name, model.Name, model.Dimensions, indexes);
        return new IndexGeneration(name, model, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), IsLive: false);
    }

    /// <inheritdoc />
    public async Task ActivateGenerationAsync(string generation, CancellationToken cancellationToken = default)
    {
        RequireGenerationName(generation);
        await GetDimensionsAsync(generation, cancellationToken);
        var live = await GetLiveCollectionAsync(cancellationToken);
        if (string.Equals(live, generation, StringComparison.Ordinal))
        {
            return;
        }

        // One request, applied atomically: searches see the old target or the new one, never none.
        var operations = new List<AliasOperations>(2);
        if (live is not null)
        {
            operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = _names.LiveAlias } });
        }

        operations.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = _names.LiveAlias, CollectionName = generation } });
        await CallAsync("switch the live alias", generation, token => _client.UpdateAliasesAsync(operations, cancellationToken: token), cancellationToken);
        Log.GenerationActivated(_logger, generation, live ?? "none");
    }

    /// <inheritdoc />
    public async Task DropGenerationAsync(string generation, CancellationToken cancellationToken = default)
    {
        RequireGenerationName(generation);
        var live = await GetLiveCollectionAsync(cancellationToken);
        if (string.Equals(live, generation, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Generation '{generation}' is live; activate another generation before dropping it.");
        }

        await EnsureExistsAsync(generation, cancellationToken);
        await CallAsync("drop collection", generation, token => _client.DeleteCollectionAsync(generation, cancellationToken: token), cancellationToken);
        _dimensions.TryRemove(generation, out _);
        _encoders.TryRemove(generation, out _);
        Log.GenerationDropped(_logger, generation);
    }

    /// <inheritdoc />
    public async Task UpsertAsync(string? generation, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);

        // Writes go to one concrete collection, resolved once, whose dimensions are known.
        var collection = generation ?? await GetLiveCollectionAsync(cancellationToken) ?? throw NoLiveGeneration();
        RequireGenerationName(collection);
        var dimensions = await GetDimensionsAsync(collection, cancellationToken);
        var lexical = _encoders.GetValueOrDefault(collection);

        // Every record is checked before anything is written; a product listed twice is written
        // once, as its last record, whatever the batching.
        var points = records
            .Select(record => ToPoint(record, dimensions, collection, lexical))
            .GroupBy(point => point.Id.Uuid, StringComparer.Ordinal)
            .Select(group => group.Last())
            .ToList();

        var batches = 0;
        foreach (var batch in points.Chunk(_options.UpsertBatchSize))
        {
            await CallAsync("upsert", generation ?? collection, token => _client.UpsertAsync(collection, batch, wait: true, cancellationToken: token), cancellationToken);
            batches++;
        }

        Log.Upserted(_logger, points.Count, collection, batches);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        var target = Target(generation);
        var ids = PointIds(productIds);
        if (ids.Count == 0)
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return;
        }

        foreach (var chunk in ids.Chunk(IdsPerRequest))
        {
            await CallAsync("delete", generation, token => _client.DeleteAsync(target, chunk, wait: true, cancellationToken: token), cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<IndexRecord?> GetAsync(string? generation, string productId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productId);
        var target = Target(generation);
        var points = await CallAsync(
            "retrieve",
            generation,
            token => _client.RetrieveAsync(target, [ProductPointId.For(productId)], payloadSelector: true, vectorSelector: DenseOnly, cancellationToken: token),
            cancellationToken);
        if (points.Count == 0)
        {
            return null;
        }

        // Qdrant keeps cosine vectors normalised to unit length; that is the vector returned
        // (the default, unnamed one; the sparse vectors are derived from the product).
        var point = points[0];
        var vector = ReadDenseVector(point.Vectors)
            ?? throw new QdrantIndexException($"The point of product '{productId}' in '{target}' came back without its dense vector; reindex the product.");
        return new IndexRecord(QdrantPayload.ReadProduct(point.Payload), vector, QdrantPayload.ReadContentHash(point.Payload) ?? string.Empty);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IndexRecord> ScanAsync(string? generation, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var target = Target(generation);
        PointId? offset = null;
        do
        {
            var from = offset;
            var page = await CallAsync(
                "scroll",
                generation,
                token => _client.ScrollAsync(target, limit: ScanPageSize, offset: from, payloadSelector: true, vectorsSelector: DenseOnly, cancellationToken: token),
                cancellationToken);
            foreach (var point in page.Result)
            {
                var product = QdrantPayload.ReadProduct(point.Payload);
                var vector = ReadDenseVector(point.Vectors)
                    ?? throw new QdrantIndexException($"The point of product '{product.Id}' in '{target}' came back without its dense vector; reindex the product.");
                yield return new IndexRecord(product, vector, QdrantPayload.ReadContentHash(point.Payload) ?? string.Empty);
            }

            offset = page.NextPageOffset;
        }
        while (offset is not null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> GetContentHashesAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        var target = Target(generation);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = PointIds(productIds);
        if (ids.Count == 0)
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return hashes;
        }

        var selector = new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { QdrantPayload.Id, QdrantPayload.ContentHash } } };
        foreach (var chunk in ids.Chunk(IdsPerRequest))
        {
            var points = await CallAsync(
                "retrieve content hashes",
                generation,
                token => _client.RetrieveAsync(target, [.. chunk.Select(id => (PointId)id)], payloadSelector: selector, vectorSelector: NoVectors, cancellationToken: token),
                cancellationToken);
            foreach (var point in points)
            {
                if (QdrantPayload.ReadId(point.Payload) is { } id && QdrantPayload.ReadContentHash(point.Payload) is { } hash)
                {
                    hashes[id] = hash;
                }
            }
        }

        return hashes;
    }

    /// <inheritdoc />
    public async Task<SearchResult> SearchAsync(string? generation, ProductQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.ThrowIfIncomplete();
        ValidatePage(query.Limit, query.Offset);
        _schema.Validate(query.Filter);
        return new SearchResult(query.SimilarTo is { } productId
            ? await SimilarToAsync(generation, productId, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken)
            : await SearchInputAsync(generation, query, cancellationToken));
    }

    /// <summary>A search by vector, text or both (the query checked).</summary>
    private async Task<IReadOnlyList<SearchHit>> SearchInputAsync(string? generation, ProductQuery query, CancellationToken cancellationToken)
    {
        var target = Target(generation);
        var filter = QdrantFilterMapper.Map(query.Filter);
        if (QdrantFilterMapper.IsMatchNothing(filter))
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return [];
        }

        if (query.Mode == SearchMode.Dense)
        {
            return await RankAsync(target, generation, query.Vector!, filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken);
        }

        // The query is encoded as the generation's documents were: with its recorded settings.
        var encoder = await GetEncoderAsync(generation, cancellationToken);
        if (encoder is null)
        {
            return await WithoutLexicalVectorsAsync(query, target, generation, filter, innerException: null, cancellationToken);
        }

        var terms = encoder.EncodeQuery(query.Text!);
        try
        {
            if (query.Mode == SearchMode.Lexical)
            {
                if (terms.Count == 0)
                {
                    await EnsureExistsAsync(generation, cancellationToken);
                    return [];
                }

                return await RankAsync(target, generation, Sparse(terms), filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken, usingVector: LexicalVectorName);
            }

            var (fusion, prefetch) = HybridRequest(query, terms, filter);
            return await RankAsync(target, generation, fusion, filter: null, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken, prefetch: prefetch);
        }
        catch (ArgumentException ex) when (IsMissingLexicalVector(ex))
        {
            // The live alias moved to a collection from before lexical search since it was resolved.
            return await WithoutLexicalVectorsAsync(query, target, generation, filter, ex, cancellationToken);
        }
    }

    /// <summary>A lexical or hybrid search of a collection without sparse vectors: lexical fails, hybrid is served dense.</summary>
    private async Task<IReadOnlyList<SearchHit>> WithoutLexicalVectorsAsync(
        ProductQuery query, string target, string? generation, Filter? filter, Exception? innerException, CancellationToken cancellationToken)
    {
        if (query.Mode == SearchMode.Lexical)
        {
            throw new SearchModeNotSupportedException(query.Mode, target, innerException);
        }

        Log.HybridFallsBackToDense(_logger, target);
        return await RankAsync(target, generation, query.Vector!, filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken);
    }

    /// <summary>
    /// The encoder of the generation searched (the live one: resolved through the alias, one
    /// look-up), from its recorded settings; null when the collection has no sparse vectors.
    /// </summary>
    /// <exception cref="GenerationNotFoundException">The generation does not exist, or none is live.</exception>
    private async Task<LexicalEncoder?> GetEncoderAsync(string? generation, CancellationToken cancellationToken)
    {
        var collection = generation ?? await GetLiveCollectionAsync(cancellationToken) ?? throw NoLiveGeneration();
        if (_encoders.TryGetValue(collection, out var known))
        {
            return known;
        }

        await GetDimensionsAsync(collection, cancellationToken);
        return _encoders.GetValueOrDefault(collection);
    }

    /// <summary>
    /// The hybrid Query API request: one prefetch per list (dense by the default vector, the
    /// sparse full-text vector and, with a name weight above 0, the sparse name vector), each with
    /// the filter and a limit of the fusion depth (at least offset + limit), fused by RRF with
    /// k + 1 (Qdrant counts positions from 0) and the lists' weights, or by Qdrant's DBSF.
    /// </summary>
    internal static (Query Fusion, List<PrefetchQuery> Prefetch) HybridRequest(ProductQuery query, LexicalVector terms, Filter? filter)
    {
        var depth = (ulong)query.Fusion.EffectiveDepth(checked(query.Offset + query.Limit));
        var rrf = new Rrf { K = (uint)query.Fusion.K + 1 };
        var prefetch = new List<PrefetchQuery> { new() { Query = query.Vector!, Limit = depth } };
        rrf.Weights.Add(query.Fusion.DenseWeight);
        if (terms.Count > 0)
        {
            prefetch.Add(new PrefetchQuery { Query = Sparse(terms), Using = LexicalVectorName, Limit = depth });
            rrf.Weights.Add(query.Fusion.LexicalWeight);
            if (query.Fusion.NameWeight > 0)
            {
                prefetch.Add(new PrefetchQuery { Query = Sparse(terms), Using = NameVectorName, Limit = depth });
                rrf.Weights.Add(query.Fusion.NameWeight);
            }
        }

        foreach (var p in prefetch.Where(_ => filter is not null))
        {
            p.Filter = filter;
        }

        // DBSF is unweighted (FusionSettings rejects other weights), as Qdrant's is.
        return (query.Fusion.Method == FusionMethod.Dbsf ? new Query { Fusion = Fusion.Dbsf } : new Query { Rrf = rrf }, prefetch);
    }

    private static Query Sparse(LexicalVector terms) => (terms.Values, terms.Indices);

    /// <summary>Whether Qdrant refused a request because the collection has no sparse vector of ours.</summary>
    private static bool IsMissingLexicalVector(ArgumentException ex) =>
        ex.InnerException is RpcException rpc
        && rpc.Status.Detail.Contains("vector name", StringComparison.OrdinalIgnoreCase)
        && (rpc.Status.Detail.Contains(LexicalVectorName, StringComparison.Ordinal) || rpc.Status.Detail.Contains(NameVectorName, StringComparison.Ordinal));

    /// <summary>Products nearest to a stored product, itself left out; none when it is unknown.</summary>
    private async Task<IReadOnlyList<SearchHit>> SimilarToAsync(string? generation, string productId, ProductFilter? filter, int limit, int offset, float? scoreThreshold, CancellationToken cancellationToken)
    {
        var target = Target(generation);
        var mapped = QdrantFilterMapper.Map(filter);
        var pointId = ProductPointId.For(productId);

        // Unknown product: empty. Asking costs no vector transfer and tells a missing product
        // (empty answer) from a missing generation (exception) without parsing error texts.
        var exists = await CallAsync(
            "retrieve",
            generation,
            token => _client.RetrieveAsync(target, pointId, withPayload: false, withVectors: false, cancellationToken: token),
            cancellationToken);
        if (exists.Count == 0 || QdrantFilterMapper.IsMatchNothing(mapped))
        {
            return [];
        }

        // Nearest to the stored vector of the point itself, the point left out by id.
        var byId = new Query { Nearest = new VectorInput { Id = pointId } };
        try
        {
            return await RankAsync(target, generation, byId, QdrantFilterMapper.Excluding(mapped, pointId), limit, offset, scoreThreshold, cancellationToken);
        }
        catch (GenerationNotFoundException)
        {
            // Qdrant answers "not found" for a missing point too: deleted since the check above.
            if (await ExistsAsync(generation, cancellationToken))
            {
                return [];
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string? generation, ProductFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _schema.Validate(filter);
        var target = Target(generation);
        var mapped = QdrantFilterMapper.Map(filter);
        if (QdrantFilterMapper.IsMatchNothing(mapped))
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return 0;
        }

        var count = await CallAsync("count", generation, token => _client.CountAsync(target, mapped, exact: true, cancellationToken: token), cancellationToken);
        return (long)count;
    }

    /// <summary>
    /// Best first, ties broken by product id. Qdrant orders equal scores by its own internal
    /// order, so the ranking is fetched from the top (as Qdrant itself does for an offset) with one
    /// hit more than the page needs, widened while that extra hit still ties with the page's last
    /// one, sorted here, then cut to the page.
    /// On a first page the hits carry their payload; past it only ids are fetched for ranking
    /// and the page's payloads in one retrieve.
    /// </summary>
    private async Task<IReadOnlyList<SearchHit>> RankAsync(
        string target,
        string? generation,
        Query query,
        Filter? filter,
        int limit,
        int offset,
        float? scoreThreshold,
        CancellationToken cancellationToken,
        string? usingVector = null,
        IReadOnlyList<PrefetchQuery>? prefetch = null)
    {
        // One hit past the page shows whether the page's last score is shared beyond it.
        var needed = checked(offset + limit);
        var fetch = needed + 1;
        var fullPayload = offset == 0;
        var selector = fullPayload
            ? new WithPayloadSelector { Enable = true }
            : new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { QdrantPayload.Id } } };

        // Qdrant's threshold may be exclusive; ask for a hair below and apply it inclusively here.
        float? serverThreshold = scoreThreshold is float t ? MathF.BitDecrement(t) : null;
        IReadOnlyList<ScoredPoint> points;
        while (true)
        {
            var window = fetch;
            points = await CallAsync(
                "query",
                generation,
                token => _client.QueryAsync(
                    target,
                    query: query,
                    prefetch: prefetch,
                    usingVector: usingVector,
                    filter: filter,
                    scoreThreshold: serverThreshold,
                    limit: (ulong)window,
                    payloadSelector: selector,
                    vectorsSelector: NoVectors,
                    cancellationToken: token),
                cancellationToken);
            if (points.Count < fetch || points[^1].Score < points[needed - 1].Score || fetch >= MaxTieWindow)
            {
                break;
            }

            fetch = Math.Min(fetch * 2, Math.Max(MaxTieWindow, needed + 1));
        }

        var ranked = points
            .Where(p => scoreThreshold is not float min || p.Score >= min)
            .Select(p => (Point: p, Id: QdrantPayload.ReadId(p.Payload) ?? string.Empty))
            .OrderByDescending(p => p.Point.Score)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Skip(offset)
            .Take(limit)
            .ToList();
        if (fullPayload)
        {
            return [.. ranked.Select(p => new SearchHit(QdrantPayload.ReadProduct(p.Point.Payload), p.Point.Score))];
        }

        if (ranked.Count == 0)
        {
            return [];
        }

        var pageIds = ranked.Select(p => p.Point.Id).ToList();
        var retrieved = await CallAsync(
            "retrieve page",
            generation,
            token => _client.RetrieveAsync(target, pageIds, withPayload: true, withVectors: false, cancellationToken: token),
            cancellationToken);
        var byId = retrieved.ToDictionary(p => p.Id);
        return [.. ranked
            .Where(p => byId.ContainsKey(p.Point.Id))
            .Select(p => new SearchHit(QdrantPayload.ReadProduct(byId[p.Point.Id].Payload), p.Point.Score))];
    }

    private static PointStruct ToPoint(IndexRecord record, int dimensions, string collection, LexicalEncoder? lexical)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Product, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Vector, nameof(record));
        var id = record.Product.Id;
        if (string.IsNullOrEmpty(id) || id.Length > MaxProductIdLength)
        {
            throw new ArgumentException(
                $"A product id must have 1 to {MaxProductIdLength} characters; got {id?.Length ?? 0}.",
                nameof(record));
        }

        ArgumentNullException.ThrowIfNull(record.ContentHash, nameof(record));

        if (record.Vector.Length != dimensions)
        {
            throw new ArgumentException(
                $"The vector of product '{id}' has {record.Vector.Length} dimensions; generation '{collection}' holds vectors of {dimensions}.",
                nameof(record));
        }

        if (!record.Vector.All(float.IsFinite))
        {
            throw new ArgumentException($"The vector of product '{id}' contains a value that is not a finite number.", nameof(record));
        }

        var point = new PointStruct { Id = ProductPointId.For(id), Vectors = record.Vector };
        if (lexical is not null)
        {
            // The default (unnamed) dense vector and the sparse ones; an empty sparse vector is left out.
            var document = lexical.EncodeDocument(record.Product);
            var named = new NamedVectors { Vectors = { [string.Empty] = record.Vector } };
            if (document.Full.Count > 0)
            {
                named.Vectors[LexicalVectorName] = (document.Full.Values, document.Full.Indices);
            }

            if (document.Name.Count > 0)
            {
                named.Vectors[NameVectorName] = (document.Name.Values, document.Name.Indices);
            }

            point.Vectors = new Vectors { Vectors_ = named };
        }

        QdrantPayload.Write(point.Payload, record);
        return point;
    }

    /// <summary>
    /// The dense (default) vector of a retrieved point, or null when it has none. Qdrant returns a
    /// point's vectors in the single form when the default vector is all there is (all that was
    /// selected, or a point without sparse vectors) and as a map otherwise, the default one under
    /// <c>""</c>. Inside, servers before 1.17 fill the deprecated flat <c>data</c> field and later
    /// ones the typed <c>dense</c> one; <see cref="VectorOutput.GetDenseVector"/> reads either.
    /// </summary>
    internal static float[]? ReadDenseVector(VectorsOutput? vectors)
    {
        var output = vectors?.VectorsOptionsCase switch
        {
            VectorsOutput.VectorsOptionsOneofCase.Vector => vectors.Vector,
            VectorsOutput.VectorsOptionsOneofCase.Vectors when vectors.Vectors.Vectors.TryGetValue(DenseVectorName, out var dense) => dense,
            _ => null,
        };
        return output?.GetDenseVector() is { Data.Count: > 0 } vector ? [.. vector.Data] : null;
    }

    private IEnumerable<(string Field, PayloadSchemaType Type)> PayloadIndexes()
    {
        foreach (var field in QdrantPayload.KeywordFields)
        {
            yield return (field, PayloadSchemaType.Keyword);
        }

        foreach (var attribute in _options.FilterableAttributes.Distinct(StringComparer.Ordinal))
        {
            yield return (ProductSchema.AttributePrefix + attribute, PayloadSchemaType.Keyword);
        }

        foreach (var field in QdrantPayload.FloatFields)
        {
            yield return (field, PayloadSchemaType.Float);
        }

        foreach (var field in QdrantPayload.BoolFields)
        {
            yield return (field, PayloadSchemaType.Bool);
        }
    }

    private async Task TryDeleteCollectionAsync(string name)
    {
        try
        {
            await _client.DeleteCollectionAsync(name, cancellationToken: CancellationToken.None);
        }
        catch (RpcException)
        {
            // The original failure is the one worth reporting.
        }
        catch (QdrantException)
        {
            // Likewise.
        }
    }

    private async Task<IndexGeneration> DescribeAsync(string name, string? live, CancellationToken cancellationToken)
    {
        var info = await CallAsync("describe collection", name, token => _client.GetCollectionInfoAsync(name, token), cancellationToken);
        var dimensions = (int)(info.Config?.Params?.VectorsConfig?.Params?.Size ?? 0);
        _dimensions[name] = dimensions;
        RememberLexical(name, info);
        var metadata = info.Config?.Metadata;
        var model = metadata is not null && metadata.TryGetValue(ModelMetadataKey, out var m) && m.KindCase == Value.KindOneofCase.StringValue
            ? m.StringValue
            : "unknown";
        var createdAt = metadata is not null && metadata.TryGetValue(CreatedMetadataKey, out var c)
            ? c.KindCase switch
            {
                Value.KindOneofCase.IntegerValue => DateTimeOffset.FromUnixTimeMilliseconds(c.IntegerValue),
                Value.KindOneofCase.DoubleValue => DateTimeOffset.FromUnixTimeMilliseconds((long)c.DoubleValue),
                _ => _names.CreatedAt(name),
            }
            : _names.CreatedAt(name);
        return new IndexGeneration(name, new IndexModel(model, dimensions), createdAt, string.Equals(name, live, StringComparison.Ordinal));
    }

    private async Task<string?> GetLiveCollectionAsync(CancellationToken cancellationToken)
    {
        var aliases = await CallAsync("list aliases", generation: null, token => _client.ListAliasesAsync(token), cancellationToken);
        return aliases.FirstOrDefault(a => string.Equals(a.AliasName, _names.LiveAlias, StringComparison.Ordinal))?.CollectionName;
    }

    private async Task<int> GetDimensionsAsync(string collection, CancellationToken cancellationToken)
    {
        if (_dimensions.TryGetValue(collection, out var known) && _encoders.ContainsKey(collection))
        {
            return known;
        }

        var info = await CallAsync("describe collection", collection, token => _client.GetCollectionInfoAsync(collection, token), cancellationToken);
        var dimensions = (int)(info.Config?.Params?.VectorsConfig?.Params?.Size ?? 0);
        _dimensions[collection] = dimensions;
        RememberLexical(collection, info);
        return dimensions;
    }

    /// <summary>Whether the collection was created with our sparse vectors (collections from before lexical search were not).</summary>
    private static bool HasLexical(CollectionInfo info) =>
        info.Config?.Params?.SparseVectorsConfig?.Map is { } map && map.ContainsKey(LexicalVectorName) && map.ContainsKey(NameVectorName);

    /// <summary>
    /// Works out, once per collection, which encoder its documents and queries use, and warns when
    /// its recorded settings differ from the configured ones (a collection's metadata never changes).
    /// </summary>
    private void RememberLexical(string collection, CollectionInfo info)
    {
        if (!_encoders.ContainsKey(collection))
        {
            _encoders.TryAdd(collection, HasLexical(info) ? RecordedEncoder(collection, info.Config?.Metadata) : null);
        }
    }

    /// <summary>
    /// The encoder of the settings a collection records: the configured one when they are the same;
    /// one of the recorded settings when they differ; the configured one, with a warning, when the
    /// recorded settings cannot be read back (generations whose metadata holds only their text form).
    /// </summary>
    private LexicalEncoder RecordedEncoder(string collection, Google.Protobuf.Collections.MapField<string, Value>? metadata)
    {
        var configured = _lexical.Options.ToString();
        string? text = metadata is not null && metadata.TryGetValue(LexicalMetadataKey, out var t) && t.KindCase == Value.KindOneofCase.StringValue ? t.StringValue : null;
        if (metadata is null || !metadata.TryGetValue(LexicalSettingsMetadataKey, out var json) || json.KindCase != Value.KindOneofCase.StringValue)
        {
            if (!string.Equals(text, configured, StringComparison.Ordinal))
            {
                Log.LexicalSettingsUnreadable(
                    _logger,
                    collection,
                    text is null ? "none recorded" : "recorded as text only",
                    text is null ? "unknown" : LexicalDifferences(text, configured));
            }

            return _lexical;
        }

        LexicalOptions recorded;
        try
        {
            recorded = JsonSerializer.Deserialize(json.StringValue, QdrantJsonContext.Default.LexicalOptions)
                ?? throw new JsonException("the recorded settings are null");
            recorded.ThrowIfInvalid();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            Log.LexicalSettingsUnreadable(_logger, collection, ex.Message, text is null ? "unknown" : LexicalDifferences(text, configured));
            return _lexical;
        }

        var recordedText = recorded.ToString();
        if (string.Equals(recordedText, configured, StringComparison.Ordinal))
        {
            return _lexical;
        }

        Log.LexicalSettingsRecorded(_logger, collection, LexicalDifferences(recordedText, configured));
        return new LexicalEncoder(recorded);
    }

    /// <summary>
    /// The parts of two <see cref="LexicalOptions.ToString"/> texts that differ, as
    /// "recorded → configured" pairs (the whole texts when their shapes differ).
    /// </summary>
    internal static string LexicalDifferences(string recorded, string configured)
    {
        var before = recorded.Split("; ");
        var after = configured.Split("; ");
        if (before.Length != after.Length)
        {
            return $"recorded '{recorded}', configured '{configured}'";
        }

        var differences = before.Zip(after).Where(p => !string.Equals(p.First, p.Second, StringComparison.Ordinal)).Select(p => $"{p.First} → {p.Second}").ToList();
        return differences.Count == 0 ? "none" : "recorded → configured: " + string.Join("; ", differences);
    }

    private async Task<bool> ExistsAsync(string? generation, CancellationToken cancellationToken)
    {
        if (generation is null)
        {
            return await GetLiveCollectionAsync(cancellationToken) is not null;
        }

        return await CallAsync("check collection", generation, token => _client.CollectionExistsAsync(generation, token), cancellationToken);
    }

    private async Task EnsureExistsAsync(string? generation, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(generation, cancellationToken))
        {
            throw generation is null ? NoLiveGeneration() : UnknownGeneration(generation);
        }
    }

    /// <summary>The collection or alias a data operation addresses.</summary>
    private string Target(string? generation)
    {
        if (generation is null)
        {
            return _names.LiveAlias;
        }

        RequireGenerationName(generation);
        return generation;
    }

    private void RequireGenerationName(string generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        if (!_names.IsGeneration(generation))
        {
            throw UnknownGeneration(generation);
        }
    }

    private static List<Guid> PointIds(IReadOnlyList<string> productIds) =>
        [.. productIds.Select(id => id ?? throw new ArgumentException("A product id is null.", nameof(productIds))).Distinct(StringComparer.Ordinal).Select(ProductPointId.For)];

    private static void ValidatePage(int limit, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
    }

    private GenerationNotFoundException NoLiveGeneration() =>
        new($"No generation of the index '{_names.Prefix}' is live yet (the alias '{_names.LiveAlias}' does not exist): create a generation, fill it and activate it.");

    private GenerationNotFoundException UnknownGeneration(string generation) =>
        new($"'{generation}' is not a generation of the index '{_names.Prefix}' on {_options.Endpoint}.");

    /// <summary>
    /// Runs a call with retries and turns Qdrant's errors into the contract's: a missing
    /// collection or alias into <see cref="GenerationNotFoundException"/> (when
    /// <paramref name="generation"/> is set, or null meaning the live alias, for data calls),
    /// an invalid request into <see cref="ArgumentException"/>, the rest into
    /// <see cref="QdrantIndexException"/> saying what failed.
    /// </summary>
    private async Task<T> CallAsync<T>(string operation, string? generation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(operation, action, cancellationToken);
        }
        catch (RpcException ex) when (cancellationToken.IsCancellationRequested || ex.StatusCode == StatusCode.Cancelled)
        {
            throw new OperationCanceledException($"Qdrant {operation} was cancelled.", ex, cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            var missing = generation is null ? NoLiveGeneration() : UnknownGeneration(generation);
            throw new GenerationNotFoundException(missing.Message, ex);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            throw new ArgumentException($"Qdrant rejected the {operation} request: {ex.Status.Detail}", ex);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            throw new QdrantIndexException(
                $"Qdrant at {_options.Endpoint} refused the {operation} request ({ex.StatusCode}): check Index:Qdrant:ApiKey. {ex.Status.Detail}",
                ex);
        }
        catch (RpcException ex)
        {
            throw new QdrantIndexException($"Qdrant {operation} at {_options.Endpoint} failed ({ex.StatusCode}): {ex.Status.Detail}", ex);
        }
        catch (QdrantException ex)
        {
            throw new QdrantIndexException($"Qdrant {operation} at {_options.Endpoint} failed: {ex.Message}", ex);
        }
    }

    private async Task CallAsync(string operation, string? generation, Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        await CallAsync(
            operation,
            generation,
            async token =>
            {
                await action(token);
                return true;
            },
            cancellationToken);
}

/// <summary>What <see cref="QdrantProductIndex.CheckServerAsync"/> found.</summary>
/// <param name="ServerVersion">The server's version as it reports it.</param>
/// <param name="ClientVersion">The Qdrant.Client library's version.</param>
/// <param name="Drift">How far apart they are; null when either could not be read.</param>
public sealed record QdrantServerInfo(string ServerVersion, string ClientVersion, VersionDrift? Drift);
