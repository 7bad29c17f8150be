using VectorIndexer.TestSupport;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// What the index sends to Qdrant and how it reads the answers, checked against a scripted gRPC
/// endpoint (<see cref="FakeQdrant"/>). Whether a real server answers as scripted is the
/// contract suite's job.
/// </summary>
public sealed class QdrantProductIndexRequestTests : IDisposable
{
    private const string Prefix = "shop";
    private const string Live = "shop-live";
    private const string GenerationA = "shop-20261128020000-aaaaaaaa";
    private const string GenerationB = "shop-20261128030000-bbbbbbbb";

    private readonly FakeQdrant _qdrant = new();
    private readonly ListLogger<QdrantProductIndex> _log = new();
    private readonly QdrantClient _client;
    private readonly QdrantIndexOptions _options = new()
    {
        CollectionPrefix = Prefix,
        FilterableAttributes = { "material" },
        UpsertBatchSize = 2,
        MaxRetries = 0,
    };

    public QdrantProductIndexRequestTests()
    {
        _client = _qdrant.Client();
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private QdrantProductIndex Index => new(_client, _options, _log);

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("1.18.2", VersionDrift.Minor)]
    [InlineData("2.0.0", VersionDrift.Major)]
    public async Task CheckServer_AMinorVersionOrMoreAway_LogsAWarningNamingBoth(string server, VersionDrift drift)
    {
        _qdrant.On<HealthCheckRequest, HealthCheckReply>("qdrant.Qdrant/HealthCheck", _ => new HealthCheckReply { Title = "qdrant", Version = server });

        var info = await Index.CheckServerAsync(Token);

        Assert.Equal(drift, info.Drift);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(server, warning.Message, StringComparison.Ordinal);
        Assert.Contains(QdrantVersions.ClientVersion!.ToString(3), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckServer_SameMinorVersion_LogsNoWarning()
    {
        var client = QdrantVersions.ClientVersion!;
        _qdrant.On<HealthCheckRequest, HealthCheckReply>("qdrant.Qdrant/HealthCheck", _ => new HealthCheckReply { Title = "qdrant", Version = $"{client.Major}.{client.Minor}.{client.Build + 3}" });

        var info = await Index.CheckServerAsync(Token);

        Assert.Equal(VersionDrift.Patch, info.Drift);
        Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task CreateGeneration_MakesACosineCollection_WithTheModelInItsMetadata_AndAnIndexPerFilterableField()
    {
        _qdrant
            .On<CreateCollection, CollectionOperationResponse>("qdrant.Collections/Create", _ => new CollectionOperationResponse { Result = true })
            .On<CreateFieldIndexCollection, PointsOperationResponse>("qdrant.Points/CreateFieldIndex", _ => Completed());

        var generation = await Index.CreateGenerationAsync(new IndexModel("all-MiniLM-L6-v2", 384), Token);

        var create = Assert.Single(_qdrant.Requests<CreateCollection>("qdrant.Collections/Create"));
        Assert.Matches("^shop-[0-9]{14}-[0-9a-f]{8}$", generation.Name);
        Assert.Equal(generation.Name, create.CollectionName);
        Assert.Equal(384ul, create.VectorsConfig.Params.Size);
        Assert.Equal(Distance.Cosine, create.VectorsConfig.Params.Distance);
        Assert.Equal("all-MiniLM-L6-v2", create.Metadata["vectorindexer.model"].StringValue);
        Assert.False(generation.IsLive);
        var indexes = _qdrant.Requests<CreateFieldIndexCollection>("qdrant.Points/CreateFieldIndex");
        Assert.All(indexes, i => Assert.True(i.Wait));
        Assert.All(indexes, i => Assert.Equal(generation.Name, i.CollectionName));
        Assert.Equal(
            new[]
            {
                ("attributes.material", FieldType.Keyword), ("brand", FieldType.Keyword), ("category", FieldType.Keyword),
                ("color", FieldType.Keyword), ("currency", FieldType.Keyword), ("id", FieldType.Keyword), ("inStock", FieldType.Bool),
                ("price", FieldType.Float), ("rating", FieldType.Float), ("ratingCount", FieldType.Float),
            },
            indexes.Select(i => (i.FieldName, i.FieldType)).OrderBy(i => i.FieldName, StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateGeneration_WhenAPayloadIndexFails_DropsTheCollectionAndSaysWhatFailed()
    {
        _qdrant
            .On<CreateCollection, CollectionOperationResponse>("qdrant.Collections/Create", _ => new CollectionOperationResponse { Result = true })
            .Fail("qdrant.Points/CreateFieldIndex", StatusCode.Internal, "disk full")
            .On<DeleteCollection, CollectionOperationResponse>("qdrant.Collections/Delete", _ => new CollectionOperationResponse { Result = true });

        var ex = await Assert.ThrowsAsync<QdrantIndexException>(() => Index.CreateGenerationAsync(new IndexModel("m", 8), Token));

        var created = Assert.Single(_qdrant.Requests<CreateCollection>("qdrant.Collections/Create")).CollectionName;
        Assert.Equal(created, Assert.Single(_qdrant.Requests<DeleteCollection>("qdrant.Collections/Delete")).CollectionName);
        Assert.Contains("payload index", ex.Message, StringComparison.Ordinal);
        Assert.Contains("disk full", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activate_WithAGenerationLive_SwitchesTheAliasInOneRequest()
    {
        AliasOn(GenerationA);
        CollectionInfo(8);
        _qdrant.On<ChangeAliases, CollectionOperationResponse>("qdrant.Collections/UpdateAliases", _ => new CollectionOperationResponse { Result = true });

        await Index.ActivateGenerationAsync(GenerationB, Token);

        var change = Assert.Single(_qdrant.Requests<ChangeAliases>("qdrant.Collections/UpdateAliases"));
        Assert.Equal(2, change.Actions.Count);
        Assert.Equal(Live, change.Actions[0].DeleteAlias.AliasName);
        Assert.Equal(Live, change.Actions[1].CreateAlias.AliasName);
        Assert.Equal(GenerationB, change.Actions[1].CreateAlias.CollectionName);
    }

    [Fact]
    public async Task Activate_TheFirstTime_OnlyCreatesTheAlias()
    {
        AliasOn(null);
        CollectionInfo(8);
        _qdrant.On<ChangeAliases, CollectionOperationResponse>("qdrant.Collections/UpdateAliases", _ => new CollectionOperationResponse { Result = true });

        await Index.ActivateGenerationAsync(GenerationB, Token);

        var action = Assert.Single(Assert.Single(_qdrant.Requests<ChangeAliases>("qdrant.Collections/UpdateAliases")).Actions);
        Assert.Equal(GenerationB, action.CreateAlias.CollectionName);
    }

    [Fact]
    public async Task Activate_WhatIsAlreadyLive_ChangesNothing()
    {
        AliasOn(GenerationA);
        CollectionInfo(8);

        await Index.ActivateGenerationAsync(GenerationA, Token);

        Assert.Empty(_qdrant.Requests<ChangeAliases>("qdrant.Collections/UpdateAliases"));
    }

    [Fact]
    public async Task Drop_TheLiveGeneration_ThrowsAndDeletesNothing()
    {
        AliasOn(GenerationA);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Index.DropGenerationAsync(GenerationA, Token));

        Assert.Empty(_qdrant.Requests<DeleteCollection>("qdrant.Collections/Delete"));
    }

    [Fact]
    public async Task Search_QueriesTheLiveAlias_WithTheMappedFilter_NoVectors_AndFullPayloadOnTheFirstPage()
    {
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p1", 0.9f), ("p2", 0.8f)));

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f], ProductFilter.Equal(ProductSchema.Brand, "Acme"), Limit: 5), Token)).Hits;

        var query = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Equal(Live, query.CollectionName);
        Assert.Equal([1f, 0f], query.Query.Nearest.Dense.Data);
        Assert.Equal(QdrantFilterMapper.Map(ProductFilter.Equal(ProductSchema.Brand, "Acme")), query.Filter);
        Assert.Equal(6ul, query.Limit);
        Assert.False(query.HasOffset && query.Offset > 0);
        Assert.True(query.WithPayload.Enable);
        Assert.False(query.WithVectors.Enable);
        Assert.Equal(["p1", "p2"], hits.Select(h => h.Product.Id));
        Assert.Equal("title p1", hits[0].Product.Title);
    }

    [Fact]
    public async Task Search_EqualScores_AreOrderedByProductId_WideningTheWindowAcrossThePageBoundary()
    {
        // Qdrant returns equal scores in its own order; e..a all tie.
        string[] inQdrantOrder = ["e", "d", "c", "b", "a"];
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", q => Scored([.. inQdrantOrder.Take((int)q.Limit).Select(id => (id, 0.5f))]));

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f], Limit: 2), Token)).Hits;

        Assert.Equal(["a", "b"], hits.Select(h => h.Product.Id));
        Assert.Equal([3ul, 6ul], _qdrant.Requests<QueryPoints>("qdrant.Points/Query").Select(q => q.Limit));
    }

    [Fact]
    public async Task Search_WhenTheNextScoreIsLower_DoesNotWidenTheWindow()
    {
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("b", 0.9f), ("a", 0.9f), ("c", 0.1f)));

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f], Limit: 3), Token)).Hits;

        Assert.Equal(["a", "b", "c"], hits.Select(h => h.Product.Id));
        Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
    }

    [Fact]
    public async Task Search_ScoreThreshold_IsInclusive()
    {
        _qdrant.On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("a", 0.8f), ("b", 0.5f)));

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f], ScoreThreshold: 0.5f), Token)).Hits;

        var sent = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query")).ScoreThreshold;
        Assert.InRange(sent, 0.4999f, 0.5f);
        Assert.True(sent < 0.5f);
        Assert.Equal(["a", "b"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Search_PastTheFirstPage_RanksOnIdsOnly_ThenFetchesThePagesPayloads()
    {
        _qdrant
            .On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("a", 0.9f), ("b", 0.8f), ("c", 0.7f)))
            .On<GetPoints, GetResponse>("qdrant.Points/Get", g => Retrieved([.. g.Ids.Select(id => IdsByPoint[id.Uuid])]));

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f], Limit: 2, Offset: 1), Token)).Hits;

        var query = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Equal(4ul, query.Limit);
        Assert.Equal(["id"], query.WithPayload.Include.Fields);
        var get = Assert.Single(_qdrant.Requests<GetPoints>("qdrant.Points/Get"));
        Assert.Equal([ProductPointId.For("b").ToString(), ProductPointId.For("c").ToString()], get.Ids.Select(i => i.Uuid));
        Assert.Equal(["b", "c"], hits.Select(h => h.Product.Id));
        Assert.Equal([0.8f, 0.7f], hits.Select(h => h.Score));
        Assert.Equal("title c", hits[1].Product.Title);
    }

    [Fact]
    public async Task Search_AFilterThatMatchesNothing_AsksNothingButWhetherTheGenerationExists()
    {
        AliasOn(GenerationA);

        var hits = (await Index.SearchAsync(null, new ProductQuery([1f, 0f], ProductFilter.Or()), Token)).Hits;
        var count = await Index.CountAsync(null, ProductFilter.And(ProductFilter.Or()), Token);

        Assert.Empty(hits);
        Assert.Equal(0, count);
        Assert.Empty(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Empty(_qdrant.Requests<CountPoints>("qdrant.Points/Count"));
    }

    [Fact]
    public async Task Search_AFilterThatMatchesNothing_WithoutALiveGeneration_StillThrowsGenerationNotFound()
    {
        AliasOn(null);

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync(null, new ProductQuery([1f, 0f], ProductFilter.Or()), Token));
    }

    [Fact]
    public async Task Search_OnAMissingAlias_ThrowsGenerationNotFound_SayingNoneIsLive()
    {
        _qdrant.Fail("qdrant.Points/Query", StatusCode.NotFound, "Not found: Collection `shop-live` doesn't exist!");

        var ex = await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync(null, new ProductQuery([1f, 0f]), Token));

        Assert.Contains("live", ex.Message, StringComparison.Ordinal);
        Assert.IsType<RpcException>(ex.InnerException);
    }

    [Fact]
    public async Task Search_RejectedAsInvalid_ThrowsArgumentExceptionWithQdrantsReason()
    {
        _qdrant.Fail("qdrant.Points/Query", StatusCode.InvalidArgument, "Wrong input: Vector dimension error: expected dim: 8, got 12");

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(GenerationA, new ProductQuery(new float[12]), Token));

        Assert.Contains("expected dim: 8, got 12", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    public async Task Search_WithARejectedApiKey_SaysWhichSettingToCheck(StatusCode status)
    {
        _qdrant.Fail("qdrant.Points/Query", status, "Must provide an API key");

        var ex = await Assert.ThrowsAsync<QdrantIndexException>(() => Index.SearchAsync(null, new ProductQuery([1f, 0f]), Token));

        Assert.Contains("Index:Qdrant:ApiKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Similar_QueriesNearestToThePointById_LeavingThePointOut()
    {
        var self = ProductPointId.For("p1");
        _qdrant
            .On<GetPoints, GetResponse>("qdrant.Points/Get", _ => Retrieved("p1"))
            .On<QueryPoints, QueryResponse>("qdrant.Points/Query", _ => Scored(("p2", 0.7f)));

        var hits = (await Index.SearchAsync(null, ProductQuery.Similar("p1", ProductFilter.Equal(ProductSchema.Color, "red")), Token)).Hits;

        var check = Assert.Single(_qdrant.Requests<GetPoints>("qdrant.Points/Get"));
        Assert.False(check.WithVectors.Enable);
        var query = Assert.Single(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
        Assert.Equal(self.ToString(), query.Query.Nearest.Id.Uuid);
        Assert.Equal(
            new Filter { Must = { Conditions.MatchKeyword("color", "red") }, MustNot = { Conditions.HasId(self) } },
            query.Filter);
        Assert.Equal(["p2"], hits.Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Similar_UnknownProduct_ReturnsEmpty_WithoutQuerying()
    {
        _qdrant.On<GetPoints, GetResponse>("qdrant.Points/Get", _ => Retrieved());

        Assert.Empty((await Index.SearchAsync(null, ProductQuery.Similar("nope"), Token)).Hits);
        Assert.Empty(_qdrant.Requests<QueryPoints>("qdrant.Points/Query"));
    }

    [Fact]
    public async Task Upsert_BatchesWithWait_WritesEachProductOnce_AsItsLastRecord()
    {
        AliasOn(GenerationA);
        CollectionInfo(2);
        _qdrant.On<UpsertPoints, PointsOperationResponse>("qdrant.Points/Upsert", _ => Completed());
        IndexRecord[] records =
        [
            Record("a"), Record("b"), Record("a", "second a"), Record("c"), Record("d"),
        ];

        await Index.UpsertAsync(null, records, Token);

        var upserts = _qdrant.Requests<UpsertPoints>("qdrant.Points/Upsert");
        Assert.Equal([2, 2], upserts.Select(u => u.Points.Count));
        Assert.All(upserts, u => Assert.True(u.Wait));
        Assert.All(upserts, u => Assert.Equal(GenerationA, u.CollectionName));
        var points = upserts.SelectMany(u => u.Points).ToList();
        Assert.Equal(4, points.Select(p => p.Id.Uuid).Distinct().Count());
        var a = Assert.Single(points, p => p.Id.Uuid == ProductPointId.For("a").ToString());
        Assert.Equal("second a", a.Payload["title"].StringValue);
        Assert.Equal("a", a.Payload["id"].StringValue);
        Assert.Equal("hash-a", a.Payload["contentHash"].StringValue);
    }

    [Fact]
    public async Task Upsert_WithAVectorOfTheWrongLength_WritesNothing()
    {
        AliasOn(GenerationA);
        CollectionInfo(2);

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.UpsertAsync(null, [Record("a"), new IndexRecord(new Product { Id = "b", Title = "b" }, [1f, 0f, 0f], "h")], Token));

        Assert.Contains("3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_qdrant.Requests<UpsertPoints>("qdrant.Points/Upsert"));
    }

    [Fact]
    public async Task Count_IsExact_WithTheMappedFilter()
    {
        _qdrant.On<CountPoints, CountResponse>("qdrant.Points/Count", _ => new CountResponse { Result = new CountResult { Count = 3 } });

        var count = await Index.CountAsync(GenerationA, ProductFilter.NoneOf(ProductSchema.Category, "Kitchen"), Token);

        var request = Assert.Single(_qdrant.Requests<CountPoints>("qdrant.Points/Count"));
        Assert.Equal(3, count);
        Assert.Equal(GenerationA, request.CollectionName);
        Assert.True(request.Exact);
        Assert.Equal(QdrantFilterMapper.Map(ProductFilter.NoneOf(ProductSchema.Category, "Kitchen")), request.Filter);
    }

    [Fact]
    public async Task ListGenerations_ShowsOnlyThisPrefixsCollections_WithModelAndLiveMark()
    {
        _qdrant.On<ListCollectionsRequest, ListCollectionsResponse>("qdrant.Collections/List", _ => new ListCollectionsResponse
        {
            Collections =
            {
                new CollectionDescription { Name = GenerationB },
                new CollectionDescription { Name = "shop-x-20261128020000-cccccccc" },
                new CollectionDescription { Name = "unrelated" },
                new CollectionDescription { Name = GenerationA },
            },
        });
        AliasOn(GenerationB);
        CollectionInfo(8, "model-x");

        var generations = await Index.ListGenerationsAsync(Token);

        Assert.Equal([GenerationA, GenerationB], generations.Select(g => g.Name));
        Assert.Equal([false, true], generations.Select(g => g.IsLive));
        Assert.All(generations, g => Assert.Equal(new IndexModel("model-x", 8), g.Model));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero), generations[0].CreatedAt);
    }

    private static readonly Dictionary<string, string> IdsByPoint =
        new[] { "a", "b", "c", "d", "e", "p1", "p2" }.ToDictionary(id => ProductPointId.For(id).ToString(), id => id);

    private static IndexRecord Record(string id, string? title = null) =>
        new(new Product { Id = id, Title = title ?? "title " + id }, [1f, 0f], "hash-" + id);

    private static PointsOperationResponse Completed() => new() { Result = new UpdateResult { Status = UpdateStatus.Completed } };

    private static QueryResponse Scored(params (string Id, float Score)[] points)
    {
        var response = new QueryResponse();
        foreach (var (id, score) in points)
        {
            var point = new ScoredPoint { Id = ProductPointId.For(id), Score = score };
            QdrantPayload.Write(point.Payload, Record(id));
            response.Result.Add(point);
        }

        return response;
    }

    private static GetResponse Retrieved(params string[] ids)
    {
        var response = new GetResponse();
        foreach (var id in ids)
        {
            var point = new RetrievedPoint { Id = ProductPointId.For(id) };
            QdrantPayload.Write(point.Payload, Record(id));
            response.Result.Add(point);
        }

        return response;
    }

    private void AliasOn(string? collection) =>
        _qdrant.On<ListAliasesRequest, ListAliasesResponse>("qdrant.Collections/ListAliases", _ =>
        {
            var response = new ListAliasesResponse { Aliases = { new AliasDescription { AliasName = "other-live", CollectionName = "other-20261128020000-aaaaaaaa" } } };
            if (collection is not null)
            {
                response.Aliases.Add(new AliasDescription { AliasName = Live, CollectionName = collection });
            }

            return response;
        });

    private void CollectionInfo(int dimensions, string model = "m") =>
        _qdrant.On<GetCollectionInfoRequest, GetCollectionInfoResponse>("qdrant.Collections/Get", _ => new GetCollectionInfoResponse
        {
            Result = new global::Qdrant.Client.Grpc.CollectionInfo
            {
                Status = CollectionStatus.Green,
                Config = new CollectionConfig
                {
                    Params = new CollectionParams { VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = (ulong)dimensions, Distance = Distance.Cosine } } },
                    Metadata = { ["vectorindexer.model"] = model },
                },
            },
        });
}
