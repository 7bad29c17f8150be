using System.Text.Json;
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
/// prefetches fused by weighted RRF, the dense fallback (hybrid) or <see cref="SearchModeNotSupportedException"/>
/// (lexical) for collections from before, and each generation encoding with the settings it records.
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
        var recorded = JsonSerializer.Deserialize(create.Metadata["vectorindexer.lexicalSettings"].StringValue, QdrantJsonContext.Default.LexicalOptions);
        Assert.Equal(new LexicalOptions().ToString(), recorded?.ToString());
    }

    [Fact]
    public async Task CreateGeneration_RecordsChangedSettingsSoTheyReadBackTheSame()
    {
        _options.Lexical.Title.Weight = 5;
        _options.Lexical.Stemming = false;
        _options.Lexical.NameFields = [ProductTextField.Title];
        _qdrant
            .On<CreateCollection, CollectionOperationResponse>("qdrant.Collections/Create", _ => new CollectionOperationResponse { Result = true })
            .On<CreateFieldIndexCollection, PointsOperationResponse>("qdrant.Points/CreateFieldIndex", _ => Completed());

        await Index.CreateGenerationAsync(new IndexModel("m", 2), Token);

        var create = Assert.Single(_qdrant.Requests<CreateCollection>("qdrant.Collections/Create"));
        var json = create.Metadata["vectorindexer.lexicalSettings"].StringValue;
        Assert.Contains("\"title\"", json, StringComparison.Ordinal);
        Assert.Equal(_options.Lexical.ToString(), JsonSerializer.Deserialize(json, QdrantJsonContext.Default.LexicalOptions)?.ToString());
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
        AliasOn(Generation);
        CollectionInfo(withLexical: true);
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 3.5f)));
        var filter = ProductFilter.Equal(ProductSchema.Brand, "Acme");

        var hits = (await Index.SearchAsync(null, new ProductQuery([], filter) { Mode = SearchMode.Lexical, Text = "red mugs" }, Token)).Hits;

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
        AliasOn(Generation);
        CollectionInfo(withLexical: true);
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 0.03f), ("p2", 0.02f)));
        var filter = ProductFilter.Range(ProductSchema.Price, 10, 50);
        var fusion = new FusionSettings(K: 40, DenseWeight: 2, LexicalWeight: 1, Depth: 30, NameWeight: 0.5f);

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f], filter, Limit: 5, Offset: 0) { Mode = SearchMode.Hybrid, Text = "red mug", Fusion = fusion }, Token)).Hits;

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
        Assert.False(query.WithVectors.Enable);
        Assert.Equal(["p1", "p2"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public void HybridRequest_WithNoNameWeight_AndAPageDeeperThanTheDepth_HasTwoPrefetchesCoveringThePage()
    {
        var query = new ProductQuery([1f, 0f], Limit: 50, Offset: 100) { Mode = SearchMode.Hybrid, Text = "mug", Fusion = new FusionSettings(NameWeight: 0) };

        var (fusion, prefetch) = QdrantProductIndex.HybridRequest(query, new LexicalEncoder().EncodeQuery("mug"), filter: null);

        Assert.Equal(2, prefetch.Count);
        Assert.All(prefetch, p => Assert.Equal(150ul, p.Limit));
        Assert.All(prefetch, p => Assert.Null(p.Filter));
        Assert.Equal([1f, 1f], fusion.Rrf.Weights);
        Assert.Equal(61u, fusion.Rrf.K);
    }

    [Fact]
    public void HybridRequest_WithDbsf_UsesQdrantsDistributionBasedFusion_OverTheSamePrefetches()
    {
        var query = new ProductQuery([1f, 0f], Limit: 10) { Mode = SearchMode.Hybrid, Text = "mug", Fusion = new FusionSettings(Method: FusionMethod.Dbsf) };

        var (fusion, prefetch) = QdrantProductIndex.HybridRequest(query, new LexicalEncoder().EncodeQuery("mug"), filter: null);

        Assert.Equal(Fusion.Dbsf, fusion.Fusion);
        Assert.Null(fusion.Rrf);
        Assert.Equal(3, prefetch.Count);
        Assert.All(prefetch, p => Assert.Equal(100ul, p.Limit));
    }

    [Fact]
    public async Task HybridSearch_OnACollectionWithoutSparseVectors_IsServedDense_AndLogsAWarning()
    {
        AliasOn(Generation);
        CollectionInfo(withLexical: false);
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 0.9f)));

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f]) { Mode = SearchMode.Hybrid, Text = "mug" }, Token)).Hits;

        Assert.Equal(["p1"], hits.Select(h => h.Product.Id));
        var query = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Empty(query.Prefetch);
        Assert.Equal([1f, 0f], query.Query.Nearest.Dense.Data);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("falls back to dense", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HybridSearch_RefusedForAMissingSparseVector_FallsBackToDense_AndLogsAWarning()
    {
        // The alias moved to a collection from before lexical search after it was looked up.
        CollectionInfo(withLexical: true);
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", q => q.Prefetch.Count > 0
            ? throw new RpcException(new Status(StatusCode.InvalidArgument, "Wrong input: Not existing vector name error: lexical"))
            : Scored(("p1", 0.9f)));

        var hits = (await Index.SearchAsync(Generation, new ProductQuery([1f, 0f]) { Mode = SearchMode.Hybrid, Text = "mug" }, Token)).Hits;

        Assert.Equal(["p1"], hits.Select(h => h.Product.Id));
        var queries = _qdrant.Requests<QueryPoints>("qdrant.Points/Query");
        Assert.Equal(2, queries.Count);
        Assert.Equal([1f, 0f], queries[1].Query.Nearest.Dense.Data);
        Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("falls back to dense", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LexicalSearch_OnACollectionWithoutSparseVectors_ThrowsSearchModeNotSupported_WithoutQuerying()
    {
        AliasOn(Generation);
        CollectionInfo(withLexical: false);

        var ex = await Assert.ThrowsAsync<SearchModeNotSupportedException>(() => Index.SearchAsync(null, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "mug" }, Token));

        Assert.Equal(SearchMode.Lexical, ex.Mode);
        Assert.Contains("mode=dense", ex.Message, StringComparison.Ordinal);
        Assert.Contains("reindex", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
    }

    [Fact]
    public async Task LexicalSearch_RefusedForAMissingSparseVector_ThrowsSearchModeNotSupported()
    {
        CollectionInfo(withLexical: true);
        _qdrant.Fail("qdrant.Points/Query", StatusCode.InvalidArgument, "Wrong input: Not existing vector name error: lexical");

        var ex = await Assert.ThrowsAsync<SearchModeNotSupportedException>(() => Index.SearchAsync(Generation, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "mug" }, Token));

        Assert.IsType<RpcException>(ex.InnerException?.InnerException);
    }

    [Fact]
    public async Task LexicalSearch_WithNoLiveGeneration_ThrowsGenerationNotFound()
    {
        AliasOn(null);

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync(null, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "mug" }, Token));
    }

    [Fact]
    public async Task Search_OfAGenerationRecordingOtherSettings_EncodesTheQueryWithTheRecordedOnes_AndWarnsOnceNamingTheDifference()
    {
        var recorded = new LexicalOptions { Stemming = false, Title = { Weight = 5, AverageLength = 20 } };
        AliasOn(Generation);
        CollectionInfo(withLexical: true, recorded: recorded);
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 3.5f)));
        var index = Index;

        await index.SearchAsync(null, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "red mugs" }, Token);
        await index.SearchAsync(null, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "red mugs" }, Token);

        var queries = _qdrant.Requests<QueryPoints>("qdrant.Points/Query");
        var expected = new LexicalEncoder(recorded).EncodeQuery("red mugs");
        Assert.NotEqual(new LexicalEncoder().EncodeQuery("red mugs").Indices, expected.Indices);
        Assert.All(queries, q => Assert.Equal(expected.Indices, q.Query.Nearest.Sparse.Indices));
        Assert.Single(_qdrant.Requests<GetCollectionInfoRequest>("qdrant.Collections/Get"));
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(2015, warning.Id.Id);
        Assert.Contains(Generation, warning.Message, StringComparison.Ordinal);
        Assert.Contains("stemming False, stop words removed, k1 1.2, b 0.75 → stemming True, stop words removed, k1 1.2, b 0.75", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Title: weight 5, average length 20 → Title: weight 3, average length 20", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Brand", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upsert_IntoAGenerationRecordingOtherSettings_EncodesTheDocumentWithTheRecordedOnes()
    {
        var recorded = new LexicalOptions { NameFields = [ProductTextField.Brand] };
        CollectionInfo(withLexical: true, recorded: recorded);
        _qdrant.On<UpsertPoints, PointsOperationResponse>("qdrant.Points/Upsert", _ => Completed());
        var product = new Product { Id = "p1", Title = "Red mugs", Brand = "Acme" };

        await Index.UpsertAsync(Generation, [new IndexRecord(product, [1f, 0f], "h")], Token);

        var vectors = Assert.Single(Assert.Single(_qdrant.Requests<UpsertPoints>("qdrant.Points/Upsert")).Points).Vectors.Vectors_.Vectors;
        Assert.Equal(new LexicalEncoder(recorded).EncodeDocument(product).Name.Indices, vectors[QdrantProductIndex.NameVectorName].Sparse.Indices);
    }

    [Fact]
    public async Task Search_OfAGenerationRecordingTheConfiguredSettings_LogsNothing()
    {
        CollectionInfo(withLexical: true, recorded: new LexicalOptions());
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 3.5f)));

        await Index.SearchAsync(Generation, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "red mugs" }, Token);

        Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Search_OfAGenerationRecordingOtherSettingsAsTextOnly_UsesTheConfiguredOnes_AndWarnsNamingTheDifference()
    {
        var recorded = new LexicalOptions { K1 = 2 };
        CollectionInfo(withLexical: true, recordedText: recorded.ToString());
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 3.5f)));

        await Index.SearchAsync(Generation, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "red mugs" }, Token);

        var query = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Equal(new LexicalEncoder().EncodeQuery("red mugs").Indices, query.Query.Nearest.Sparse.Indices);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(2016, warning.Id.Id);
        Assert.Contains("k1 2, b 0.75 → stemming True, stop words removed, k1 1.2", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_OfAGenerationWithUnreadableSettings_UsesTheConfiguredOnes_AndWarns()
    {
        CollectionInfo(withLexical: true, recordedJson: "{ \"k1\": \"not a number\" }");
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 3.5f)));

        await Index.SearchAsync(Generation, new ProductQuery([]) { Mode = SearchMode.Lexical, Text = "red mugs" }, Token);

        Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 2016);
    }

    [Fact]
    public async Task DescribingAGeneration_WarnsAboutDifferentRecordedSettings()
    {
        AliasOn(Generation);
        CollectionInfo(withLexical: true, recorded: new LexicalOptions { B = 0.5 });

        await Index.GetLiveGenerationAsync(Token);

        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("b 0.5 → stemming True, stop words removed, k1 1.2, b 0.75", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LexicalDifferences_OfTextsOfAnotherShape_NamesBothWhole()
    {
        Assert.Equal("recorded 'a; b', configured 'c'", QdrantProductIndex.LexicalDifferences("a; b", "c"));
        Assert.Equal("none", QdrantProductIndex.LexicalDifferences("a; b", "a; b"));
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

    private void AliasOn(string? collection) =>
        _qdrant.On<ListAliasesRequest, ListAliasesResponse>("qdrant.Collections/ListAliases", _ =>
        {
            var response = new ListAliasesResponse();
            if (collection is not null)
            {
                response.Aliases.Add(new AliasDescription { AliasName = Live, CollectionName = collection });
            }

            return response;
        });

    private void CollectionInfo(bool withLexical, LexicalOptions? recorded = null, string? recordedText = null, string? recordedJson = null)
    {
        var metadata = new CollectionConfig();
        recordedText ??= recorded?.ToString();
        recordedJson ??= recorded is null ? null : JsonSerializer.Serialize(recorded, QdrantJsonContext.Default.LexicalOptions);
        if (recordedText is not null)
        {
            metadata.Metadata["vectorindexer.lexical"] = recordedText;
        }

        if (recordedJson is not null)
        {
            metadata.Metadata["vectorindexer.lexicalSettings"] = recordedJson;
        }

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
            Result = new global::Qdrant.Client.Grpc.CollectionInfo { Status = CollectionStatus.Green, Config = new CollectionConfig { Params = config, Metadata = { metadata.Metadata } } },
        });
    }
}
