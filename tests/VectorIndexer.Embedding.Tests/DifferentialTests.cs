using System.Numerics.Tensors;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Embedding.Tests;

/// <summary>
/// The whole pipeline (tokenization, inference, pooling, normalisation) against vectors from an
/// independent implementation: the transformers.js feature-extraction pipeline over the same
/// model file, mean pooling, normalised, 256 tokens (tools/golden).
/// </summary>
public sealed class DifferentialTests(EmbedderFixture fixture)
{
    private const float MinimumCosine = 0.999f;

    private readonly OnnxEmbedder _embedder = fixture.Embedder;

    [Fact]
    public async Task EsciProducts_MatchReferencePipelineVectors()
    {
        Assert.SkipWhen(TestData.EsciDirectory is null, TestData.EsciMissingReason);
        var texts = Golden.EsciTexts(200);
        var records = Golden.ReadJsonLines("embeddings-esci.jsonl.gz").ToList();
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
        var golden = Golden.ReadJson("embeddings-tricky.json").EnumerateArray().ToList();
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
