using System.Numerics.Tensors;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Embedding.Tests;

/// <summary>
/// The whole pipeline (tokenization, inference, pooling, normalisation) of a bundled model against
/// vectors from an independent implementation: the transformers.js feature-extraction pipeline over
/// the same model file, the model's pooling, normalised, 256 tokens (tools/golden).
/// </summary>
public abstract class ReferencePipelineTests
{
    private const float MinimumCosine = 0.999f;

    private readonly OnnxEmbedder _embedder;
    private readonly string _suffix;

    protected ReferencePipelineTests(OnnxEmbedder embedder, string goldenSuffix)
    {
        _embedder = embedder;
        _suffix = goldenSuffix;
    }

    [Fact]
    public async Task EsciProducts_MatchReferencePipelineVectors()
    {
        Assert.SkipWhen(TestData.EsciDirectory is null, TestData.EsciMissingReason);
        var texts = Golden.EsciTexts(200);
        var records = Golden.ReadJsonLines($"embeddings-esci{_suffix}.jsonl.gz").ToList();
        var inputs = new List<string>();
        foreach (var record in records)
        {
            var asin = record.GetProperty("asin").GetString()!;
            Assert.True(texts.TryGetValue(asin, out var text), $"Product {asin} is not among the first 200 of ../shared.");
            Assert.Equal(record.GetProperty("sha256").GetString(), Golden.Sha256(text));
            inputs.Add(text);
        }

        var vectors = await _embedder.EmbedAsync(inputs, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(records.Count >= 200, $"Only {records.Count} golden vectors.");
        AssertAllClose(records.Select(r => Golden.Floats(r.GetProperty("vector"))).ToList(), vectors, records.Select(r => r.GetProperty("asin").GetString()!).ToList());
    }

    [Fact]
    public async Task TrickyStrings_MatchReferencePipelineVectors()
    {
        var golden = Golden.ReadJson($"embeddings-tricky{_suffix}.json").EnumerateArray().ToList();
        var texts = golden.Select(g => g.GetProperty("text").GetLenientString()).ToList();
        var expected = golden.Select(g => Golden.Floats(g.GetProperty("vector"))).ToList();

        // Strings whose token ids legitimately differ (see TokenizerTests) are left out here.
        var keep = Enumerable.Range(0, texts.Count)
            .Where(i => !TokenizerTests.IsKnownPortDifference(texts[i]) && !string.IsNullOrWhiteSpace(texts[i]))
            .ToList();
        var vectors = await _embedder.EmbedAsync(keep.Select(i => texts[i]).ToList(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(keep.Count >= 100, $"Only {keep.Count} tricky strings compared.");
        AssertAllClose(keep.Select(i => expected[i]).ToList(), vectors, keep.Select(i => $"tricky #{i}").ToList());
    }

    protected async Task AssertQueriesMatchAsync()
    {
        Assert.SkipWhen(TestData.EsciDirectory is null, TestData.EsciMissingReason);
        var queries = File.ReadLines(Path.Combine(TestData.EsciDirectory, "queries-dev.tsv"))
            .Skip(1)
            .Select(line => line.Split('\t'))
            .ToDictionary(cells => cells[0], cells => cells[1], StringComparer.Ordinal);
        var records = Golden.ReadJsonLines($"embeddings-queries{_suffix}.jsonl.gz").ToList();
        var inputs = new List<string>();
        foreach (var record in records)
        {
            var id = record.GetProperty("id").GetString()!;
            Assert.True(queries.TryGetValue(id, out var query), $"Query {id} is not in ../shared's queries-dev.tsv.");

            // The reference embedded prefix + query; the engine adds the prefix itself for EmbeddingPurpose.Query.
            Assert.Equal(record.GetProperty("sha256").GetString(), Golden.Sha256(_embedder.Model.Config.QueryPrefix + query));
            inputs.Add(query);
        }

        var vectors = await _embedder.EmbedAsync(inputs, EmbeddingPurpose.Query, TestContext.Current.CancellationToken);

        Assert.True(records.Count >= 50, $"Only {records.Count} golden query vectors.");
        AssertAllClose(records.Select(r => Golden.Floats(r.GetProperty("vector"))).ToList(), vectors, records.Select(r => "query " + r.GetProperty("id").GetString()).ToList());
    }

    private static void AssertAllClose(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual, IReadOnlyList<string> names)
    {
        var worst = (Cosine: 1f, Name: string.Empty);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            var cosine = TensorPrimitives.CosineSimilarity(expected[i], actual[i]);
            if (cosine < worst.Cosine)
            {
                worst = (cosine, names[i]);
            }
        }

        Assert.True(worst.Cosine >= MinimumCosine, $"Lowest cosine {worst.Cosine} ({worst.Name}) is below {MinimumCosine}.");
    }
}

/// <summary>all-MiniLM-L6-v2 (mean pooling, no prefixes) against the reference pipeline.</summary>
public sealed class DifferentialTests(EmbedderFixture fixture) : ReferencePipelineTests(fixture.Embedder, string.Empty);

/// <summary>snowflake-arctic-embed-xs ([CLS] pooling, query prefix) against the reference pipeline.</summary>
public sealed class ArcticXsDifferentialTests(ArcticXsFixture fixture) : ReferencePipelineTests(fixture.Embedder, "-arctic-xs"), IClassFixture<ArcticXsFixture>
{
    [Fact]
    public Task DevQueriesWithPrefix_MatchReferencePipelineVectors() => AssertQueriesMatchAsync();

    [Fact]
    public void Model_IsCls_WithTheQueryPrefix_AndNoDocumentPrefix()
    {
        var config = fixture.Embedder.Model.Config;
        Assert.Equal("snowflake-arctic-embed-xs", fixture.Embedder.Model.Name);
        Assert.Equal(PoolingMode.Cls, config.Pooling);
        Assert.StartsWith("Represent this sentence", config.QueryPrefix, StringComparison.Ordinal);
        Assert.Empty(config.DocumentPrefix);
        Assert.Equal(384, fixture.Embedder.Dimensions);
    }
}

/// <summary>One engine on the bundled snowflake-arctic-embed-xs, on the CPU, in fp32 like the reference vectors.</summary>
public sealed class ArcticXsFixture : IDisposable
{
    public OnnxEmbedder Embedder { get; } = new(new EmbeddingOptions { Model = BundledModel.ArcticXs.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });

    public void Dispose() => Embedder.Dispose();
}
