using Grpc.Core;
using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// The lexical side of the Qdrant index as requests: sparse vectors with the IDF modifier at
/// creation, sparse vectors on every point, lexical queries by the sparse vector, hybrid queries as
/// prefetches fused by weighted RRF, and the dense fallback for collections from before.
/// </summary>
public sealed class QdrantLexicalRequestTests : IDisposable
{
    private const string Live = "shop-live";
    private const string Generation = "shop-20261128020000-aaaaaaaa";

    private readonly FakeQdrant _qdrant = new();
    private readonly ListLogger<QdrantProductIndex> _log = new();
    private readonly QdrantClient _client;
    private readonly QdrantIndexOptions _options = new() { CollectionPrefix = "shop", MaxRetries = 0 };

    public QdrantLexicalRequestTests()
    {
        _client = _qdrant.Client();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private QdrantProductIndex Index => new(_client, _options, _log);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task CreateGeneration_DeclaresBothSparseVectorsWithTheIdfModifier_AndRecordsTheSettings()
    {
        _qdrant
            .On<CreateCollection, CollectionOperationResponse>("qdrant.Collections/Create", _ => new CollectionOperationResponse { Result = true })
            .On<CreateFieldIndexCollection, PointsOperationResponse>("qdrant.Points/CreateFieldIndex", _ => Completed());

        await Index.CreateGenerationAsync(new IndexModel("m", 2), Token);

        var create = Assert.Single(_qdrant.Requests<CreateCollection>("qdrant.Collections/Create"));
        Assert.Equal(
            [QdrantProductIndex.LexicalVectorName, QdrantProductIndex.NameVectorName],
            create.SparseVectorsConfig.Map.Keys.Order(StringComparer.Ordinal));
        Assert.All(create.SparseVectorsConfig.Map.Values, v => Assert.Equal(Modifier.Idf, v.Modifier));
        Assert.Equal(new LexicalOptions().ToString(), create.Metadata["vectorindexer.lexical"].StringValue);
    }

    [Fact]
    public async Task Upsert_IntoACollectionWithSparseVectors_SendsTheDenseAndBothSparseVectorsOfTheEncoder()
    {
        CollectionInfo(withLexical: true);
        _qdrant.On<UpsertPoints, PointsOperationResponse>("qdrant.Points/Upsert", _ => Completed());
        var product = new Product { Id = "p1", Title = "Red mugs", Brand = "Acme", Description = "Coffee" };

        await Index.UpsertAsync(Generation, [new IndexRecord(product, [1f, 0f], "h")], Token);

        var point = Assert.Single(Assert.Single(_qdrant.Requests<UpsertPoints>("qdrant.Points/Upsert")).Points);
        var vectors = point.Vectors.Vectors_.Vectors;
        Assert.Equal([1f, 0f], vectors[string.Empty].Dense.Data);
        var expected = new LexicalEncoder().EncodeDocument(product);
        Assert.Equal(expected.Full.Indices, vectors[QdrantProductIndex.LexicalVectorName].Sparse.Indices);
        Assert.Equal(expected.Full.Values, vectors[QdrantProductIndex.LexicalVectorName].Sparse.Values);
        Assert.Equal(expected.Name.Indices, vectors[QdrantProductIndex.NameVectorName].Sparse.Indices);
    }

    [Fact]
    public async Task Upsert_IntoACollectionFromBeforeLexicalSearch_SendsTheDenseVectorOnly()
    {
        CollectionInfo(withLexical: false);
        _qdrant.On<UpsertPoints, PointsOperationResponse>("qdrant.Points/Upsert", _ => Completed());

        await Index.UpsertAsync(Generation, [new IndexRecord(new Product { Id = "p1", Title = "Red mug" }, [1f, 0f], "h")], Token);

        var point = Assert.Single(Assert.Single(_qdrant.Requests<UpsertPoints>("qdrant.Points/Upsert")).Points);
        Assert.Equal([1f, 0f], point.Vectors.Vector.Dense.Data);
    }

    [Fact]
    public async Task LexicalSearch_QueriesTheSparseVector_WithTheFilter()
    {
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 3.5f)));
        var filter = ProductFilter.Equal(ProductSchema.Brand, "Acme");

        var hits = await Index.SearchAsync(null, new VectorQuery([], filter) { Mode = SearchMode.Lexical, Text = "red mugs" }, Token);

        var query = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Equal(Live, query.CollectionName);
        Assert.Equal(QdrantProductIndex.LexicalVectorName, query.Using);
        var terms = new LexicalEncoder().EncodeQuery("red mugs");
        Assert.Equal(terms.Indices, query.Query.Nearest.Sparse.Indices);
        Assert.Equal(terms.Values, query.Query.Nearest.Sparse.Values);
        Assert.Equal(QdrantFilterMapper.Map(filter), query.Filter);
        Assert.Equal(["p1"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task HybridSearch_PrefetchesEachListWithTheFilter_AndFusesByWeightedRrfWithKPlusOne()
    {
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 0.03f), ("p2", 0.02f)));
        var filter = ProductFilter.Range(ProductSchema.Price, 10, 50);
        var fusion = new FusionSettings(K: 40, DenseWeight: 2, LexicalWeight: 1, Depth: 30, NameWeight: 0.5f);

        var hits = await Index.SearchAsync(null, new VectorQuery([1f, 0f], filter, Limit: 5, Offset: 0) { Mode = SearchMode.Hybrid, Text = "red mug", Fusion = fusion }, Token);

        var query = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Equal(41u, query.Query.Rrf.K);
        Assert.Equal([2f, 1f, 0.5f], query.Query.Rrf.Weights);
        Assert.Null(query.Filter);
        Assert.Equal(3, query.Prefetch.Count);
        Assert.Equal([1f, 0f], query.Prefetch[0].Query.Nearest.Dense.Data);
        Assert.False(query.Prefetch[0].HasUsing);
        Assert.Equal(QdrantProductIndex.LexicalVectorName, query.Prefetch[1].Using);
        Assert.Equal(QdrantProductIndex.NameVectorName, query.Prefetch[2].Using);
        Assert.All(query.Prefetch, p => Assert.Equal(QdrantFilterMapper.Map(filter), p.Filter));
        Assert.All(query.Prefetch, p => Assert.Equal(30ul, p.Limit));
        Assert.Equal(new LexicalEncoder().EncodeQuery("red mug").Indices, query.Prefetch[1].Query.Nearest.Sparse.Indices);
        Assert.Equal(["p1", "p2"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public void HybridRequest_WithNoNameWeight_AndAPageDeeperThanTheDepth_HasTwoPrefetchesCoveringThePage()
    {
        var query = new VectorQuery([1f, 0f], Limit: 50, Offset: 100) { Mode = SearchMode.Hybrid, Text = "mug", Fusion = new FusionSettings(NameWeight: 0) };

        var (fusion, prefetch) = QdrantProductIndex.HybridRequest(query, new LexicalEncoder().EncodeQuery("mug"), filter: null);

        Assert.Equal(2, prefetch.Count);
        Assert.All(prefetch, p => Assert.Equal(150ul, p.Limit));
        Assert.All(prefetch, p => Assert.Null(p.Filter));
        Assert.Equal([1f, 1f], fusion.Rrf.Weights);
        Assert.Equal(61u, fusion.Rrf.K);
    }

    [Fact]
    public async Task HybridSearch_OnACollectionWithoutSparseVectors_FallsBackToDense_AndLogsAWarning()
    {
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", q => q.Prefetch.Count > 0
            ? throw new RpcException(new Status(StatusCode.InvalidArgument, "Wrong input: Not existing vector name error: lexical"))
            : Scored(("p1", 0.9f)));

        var hits = await Index.SearchAsync(null, new VectorQuery([1f, 0f]) { Mode = SearchMode.Hybrid, Text = "mug" }, Token);

        Assert.Equal(["p1"], hits.Select(h => h.Product.Id));
        var queries = _qdrant.Requests<QueryPoints>("qdrant.Points/Query");
        Assert.Equal(2, queries.Count);
        Assert.Equal([1f, 0f], queries[1].Query.Nearest.Dense.Data);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("falls back to dense", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LexicalSearch_OnACollectionWithoutSparseVectors_FailsSayingWhatToDo()
    {
        _qdrant.Fail("qdrant.Points/Query", StatusCode.InvalidArgument, "Wrong input: Not existing vector name error: lexical");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Index.SearchAsync(null, new VectorQuery([]) { Mode = SearchMode.Lexical, Text = "mug" }, Token));

        Assert.Contains("no lexical vectors", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reindex", ex.Message, StringComparison.Ordinal);
    }

    private static PointsOperationResponse Completed() => new() { Result = new UpdateResult { Status = UpdateStatus.Completed } };

    private static QueryResponse Scored(params (string Id, float Score)[] points)
    {
        var response = new QueryResponse();
        foreach (var (id, score) in points)
        {
            var point = new ScoredPoint { Id = ProductPointId.For(id), Score = score };
            QdrantPayload.Write(point.Payload, new IndexRecord(new Product { Id = id, Title = "title " + id }, [1f, 0f], "hash-" + id));
            response.Result.Add(point);
        }

        return response;
    }

    private void CollectionInfo(bool withLexical)
    {
        var config = new CollectionParams { VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 2, Distance = Distance.Cosine } } };
        if (withLexical)
        {
            config.SparseVectorsConfig = new SparseVectorConfig
            {
                Map =
                {
                    [QdrantProductIndex.LexicalVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
                    [QdrantProductIndex.NameVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
                },
            };
        }

        _qdrant.On<GetCollectionInfoRequest, GetCollectionInfoResponse>("qdrant.Collections/Get", _ => new GetCollectionInfoResponse
        {
            Result = new global::Qdrant.Client.Grpc.CollectionInfo { Status = CollectionStatus.Green, Config = new CollectionConfig { Params = config } },
        });
    }
}
