using VectorIndexer.Catalog;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.Evaluation.Tests;

public sealed class RetrievalEvaluationTests(EmbedderFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly Product[] Catalogue =
    [
        new() { Id = "P-SHOE", Title = "Men's leather running shoes", Brand = "Stride", Color = "Black", Category = ["Clothing", "Shoes"], Bullets = ["Cushioned sole for long runs"] },
        new() { Id = "P-KETTLE", Title = "Electric kettle 1.7 litre stainless steel", Brand = "BoilCo", Category = ["Kitchen", "Appliances"], Description = "Boils water fast, auto shut-off." },
        new() { Id = "P-CABLE", Title = "USB-C to USB-C charging cable, 2 m", Brand = "Linkr", Category = ["Electronics", "Cables"], Bullets = ["60 W fast charging", "Braided nylon"] },
        new() { Id = "P-TENT", Title = "Four-person camping tent, waterproof", Brand = "Outdoorsy", Category = ["Sports", "Camping"], Description = "Dome tent with rain fly for family camping trips." },
        new() { Id = "P-MUG", Title = "Ceramic coffee mug, 350 ml", Brand = "Cuppa", Color = "White", Category = ["Kitchen", "Drinkware"] },
    ];

    private static readonly EvaluationQuery[] Queries =
    [
        new("q1", "phone charger cord type c"),
        new("q2", "tent for camping with family"),
        new("q3", "hot water boiler for tea"),
    ];

    private static readonly RelevanceJudgements Judgements = new(new Dictionary<string, IReadOnlyDictionary<string, double>>
    {
        ["q1"] = new Dictionary<string, double> { ["P-CABLE"] = 3 },
        ["q2"] = new Dictionary<string, double> { ["P-TENT"] = 3 },
        ["q3"] = new Dictionary<string, double> { ["P-KETTLE"] = 3, ["P-MUG"] = 1 },
    });

    private RetrievalEvaluation Create(IProductIndex index, EmbeddingCache? cache, Action<int>? counted = null, int chunkSize = 2)
    {
        var embedder = fixture.Embedder;
        return new RetrievalEvaluation(
            index,
            new IndexModel(embedder.Model.Name, embedder.Dimensions),
            (texts, ct) =>
            {
                counted?.Invoke(texts.Count);
                return embedder.EmbedAsync(texts, EmbeddingPurpose.Document, ct);
            },
            (texts, ct) => embedder.EmbedAsync(texts, EmbeddingPurpose.Query, ct),
            new ProductTextComposer(),
            cache) { ChunkSize = chunkSize };
    }

    [Fact]
    public async Task TinyCatalogue_RanksTheMatchingProductFirst_AndScoresPerfectly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var index = EmbeddedProductIndex.CreateInMemory();
        var evaluation = Create(index, cache: null);

        var indexed = await evaluation.IndexAsync(Catalogue, cancellationToken: ct);
        var rankings = await evaluation.RankAsync(Queries, cancellationToken: ct);
        var summary = RelevanceEvaluator.Evaluate(Queries, Judgements, rankings);

        Assert.Equal(new CatalogueProgress(5, 5, 5, 0), indexed);
        Assert.Equal(5, await index.CountAsync(null, cancellationToken: ct));
        Assert.Equal("P-CABLE", rankings["q1"][0]);
        Assert.Equal("P-TENT", rankings["q2"][0]);
        Assert.Equal("P-KETTLE", rankings["q3"][0]);
        Assert.All(rankings.Values, r => Assert.Equal(5, r.Count));
        Assert.Equal(3, summary.QueryCount);
        Assert.Equal(1.0, summary.MrrAt10);
        Assert.Equal(1.0, summary.RecallAt100);
    }

    [Theory]
    [InlineData(SearchMode.Lexical)]
    [InlineData(SearchMode.Hybrid)]
    public async Task TinyCatalogue_LexicalAndHybrid_RankTheProductWithTheQueryTermsFirst(SearchMode mode)
    {
        var ct = TestContext.Current.CancellationToken;
        using var index = EmbeddedProductIndex.CreateInMemory();
        var evaluation = Create(index, cache: null);
        await evaluation.IndexAsync(Catalogue, cancellationToken: ct);
        EvaluationQuery[] queries = [new("l1", "waterproof camping tent"), new("l2", "ceramic coffee mug"), new("l3", "Linkr")];

        var rankings = await evaluation.RankAsync(queries, mode: mode, cancellationToken: ct);

        Assert.Equal("P-TENT", rankings["l1"][0]);
        Assert.Equal("P-MUG", rankings["l2"][0]);
        Assert.Equal("P-CABLE", rankings["l3"][0]);
        if (mode == SearchMode.Lexical)
        {
            // Lexical search finds only products that share a term with the query.
            Assert.Equal(["P-CABLE"], rankings["l3"]);
        }
        else
        {
            Assert.Equal(Catalogue.Length, rankings["l3"].Count);
        }
    }

    [Fact]
    public async Task TimeSearches_TimesEveryQueryEveryRound()
    {
        var ct = TestContext.Current.CancellationToken;
        using var index = EmbeddedProductIndex.CreateInMemory();
        var evaluation = Create(index, cache: null);
        await evaluation.IndexAsync(Catalogue, cancellationToken: ct);

        var times = await evaluation.TimeSearchesAsync(Queries, 10, SearchMode.Hybrid, FusionSettings.Default, rounds: 3, ct);

        Assert.Equal(Queries.Length * 3, times.Length);
        Assert.All(times, t => Assert.InRange(t, 0, 10_000));
    }

    [Fact]
    public async Task SecondRun_TakesEveryVectorFromTheCache_AndChangedTextsAreReembedded()
    {
        var ct = TestContext.Current.CancellationToken;
        var embedder = fixture.Embedder;
        var progress = new List<CatalogueProgress>();

        var first = await RunAsync(Catalogue);
        var second = await RunAsync(Catalogue);
        var changed = Catalogue.Select(p => p.Id == "P-MUG" ? p with { Color = "Blue" } : p).ToArray();
        var third = await RunAsync(changed);

        Assert.Equal((5, 0), (first.Embedded, first.FromCache));
        Assert.Equal((0, 5), (second.Embedded, second.FromCache));
        Assert.Equal((1, 4), (third.Embedded, third.FromCache));
        Assert.Equal([0, 2, 4, 5], progress.Take(4).Select(p => p.Done));

        async Task<(int Embedded, int FromCache, int Calls)> RunAsync(IReadOnlyList<Product> products)
        {
            var cache = await EmbeddingCache.OpenAsync(_dir.Path, embedder.Model.Identity, embedder.MaxLength, embedder.Dimensions, ct);
            using var index = EmbeddedProductIndex.CreateInMemory();
            var texts = 0;
            var done = await Create(index, cache, n => texts += n).IndexAsync(products, new ListProgress(progress), ct);
            Assert.Equal(done.Embedded, texts);
            var rankings = await Create(index, cache).RankAsync(Queries, cancellationToken: ct);
            Assert.Equal("P-TENT", rankings["q2"][0]);
            return (done.Embedded, done.FromCache, texts);
        }
    }

    [Fact]
    public async Task EsciSubset_DenseRetrieval_ScoresWellAboveChance()
    {
        Assert.SkipWhen(TestData.EsciDirectory is null, TestData.EsciMissingReason);
        var ct = TestContext.Current.CancellationToken;
        var dir = TestData.EsciDirectory!;
        var queries = await EvaluationFiles.ReadQueriesAsync(Path.Combine(dir, "queries-dev.tsv"), cancellationToken: ct);
        var judgements = await EvaluationFiles.ReadJudgementsAsync(Path.Combine(dir, "qrels-dev.tsv"), queries.Select(q => q.Id), cancellationToken: ct);
        Assert.Equal(82, queries.Count);
        Assert.Equal(3.0, judgements.TopGrade);

        // A subset that keeps the run short: the first 8 queries, and the products judged for them
        // (relevant ones and hard negatives alike).
        var subset = queries.Take(8).ToArray();
        var wanted = subset.SelectMany(q => judgements.For(q.Id).Keys).ToHashSet(StringComparer.Ordinal);
        var products = new List<Product>();
        await using (var feed = CatalogFeed.Open(Path.Combine(dir, "products.jsonl"), FeedMapping.Esci))
        {
            await foreach (var item in feed.ReadAsync(ct))
            {
                if (item is FeedProduct { Product: var product } && wanted.Contains(product.Id))
                {
                    products.Add(product);
                }
            }
        }

        using var index = EmbeddedProductIndex.CreateInMemory();
        var evaluation = Create(index, cache: null, chunkSize: 256);
        await evaluation.IndexAsync(products, cancellationToken: ct);
        var summary = RelevanceEvaluator.Evaluate(subset, judgements, await evaluation.RankAsync(subset, cancellationToken: ct));

        Assert.Equal(8, summary.QueryCount);
        Assert.InRange(products.Count, 100, wanted.Count);
        // Sanity floors, not targets: a random ranking of this pool scores far lower.
        Assert.InRange(summary.NdcgAt10, 0.5, 1.0);
        Assert.InRange(summary.MrrAt10, 0.5, 1.0);
        Assert.InRange(summary.RecallAt100, 0.9, 1.0);
    }

    private sealed class ListProgress(List<CatalogueProgress> list) : IProgress<CatalogueProgress>
    {
        public void Report(CatalogueProgress value) => list.Add(value);
    }
}
