using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace VectorIndexer.Embedding.Tests;

public sealed class EmbedderTests(EmbedderFixture fixture)
{
    private static readonly string[] Texts =
    [
        "Wireless noise-cancelling headphones with 30-hour battery",
        "mug",
        "Stainless steel 12\" frying pan, induction compatible, oven safe to 500°F",
        "Kids' waterproof rain jacket – hooded, reflective strips, sizes 4–12",
        "Organic green tea, 100 bags",
        "USB-C to HDMI adapter 4K@60Hz\nAluminium housing\nPlug and play",
        "Café Crème coffee beans, dark roast, 1 kg",
        "Pokémon trading card booster box",
        "Yoga mat 6mm non-slip with carrying strap",
        "LED desk lamp with wireless charger and USB port, 5 brightness levels, eye-caring, touch control, memory function",
    ];

    private readonly OnnxEmbedder _embedder = fixture.Embedder;

    [Fact]
    public void Model_IsTheBundledMiniLmWith384Dimensions_OnTheCpu()
    {
        Assert.Equal(BundledModel.MiniLM.Name, _embedder.Model.Name);
        Assert.Equal(384, _embedder.Dimensions);
        Assert.Equal("CPUExecutionProvider", _embedder.ExecutionProvider);
    }

    [Fact]
    public async Task Embed_IsDeterministic()
    {
        var first = await _embedder.EmbedAsync(Texts, cancellationToken: TestContext.Current.CancellationToken);
        var second = await _embedder.EmbedAsync(Texts, cancellationToken: TestContext.Current.CancellationToken);

        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(first[i], second[i]);
        }
    }

    [Fact]
    public async Task Embed_InOneBatch_EqualsOneAtATime_WhateverThePadding()
    {
        var batched = await _embedder.EmbedAsync(Texts, cancellationToken: TestContext.Current.CancellationToken);

        for (var i = 0; i < Texts.Length; i++)
        {
            var single = await _embedder.EmbedAsync(Texts[i], cancellationToken: TestContext.Current.CancellationToken);
            var cosine = TensorPrimitives.CosineSimilarity(single, batched[i]);
            Assert.True(cosine >= 0.9999f, $"Text {i}: cosine {cosine} between batched and single.");
        }
    }

    [Fact]
    public async Task Embed_ReturnsUnitVectorsInInputOrder()
    {
        var vectors = await _embedder.EmbedAsync(Texts, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Texts.Length, vectors.Length);
        foreach (var vector in vectors)
        {
            Assert.Equal(384, vector.Length);
            Assert.InRange(TensorPrimitives.Norm(vector), 0.9999f, 1.0001f);
        }

        var mug = await _embedder.EmbedAsync(Texts[1], cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(TensorPrimitives.CosineSimilarity(mug, vectors[1]) > 0.9999f);
    }

    [Fact]
    public async Task Embed_RelatedTextsAreCloserThanUnrelatedOnes()
    {
        var vectors = await _embedder.EmbedAsync(
            ["bluetooth over-ear headphones", "wireless headset for music", "cast iron skillet"],
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]) > TensorPrimitives.CosineSimilarity(vectors[0], vectors[2]) + 0.2f);
    }

    [Fact]
    public async Task Embed_TextLongerThanMaxLength_IsTruncated()
    {
        var baseText = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"item{i}"));
        var longer = baseText + " completely different tail about garden furniture and barbecue grills";

        var vectors = await _embedder.EmbedAsync([baseText, longer], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(vectors[0], vectors[1]);
    }

    [Fact]
    public async Task Embed_HundredKilobyteDescription_ProducesAUnitVector()
    {
        var description = string.Concat(Enumerable.Repeat("Durable stainless steel construction with ergonomic handle. ", 1800));
        Assert.True(description.Length > 100_000);

        var vector = await _embedder.EmbedAsync("Saucepan\n" + description, cancellationToken: TestContext.Current.CancellationToken);

        Assert.InRange(TensorPrimitives.Norm(vector), 0.9999f, 1.0001f);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public async Task Embed_EmptyOrWhitespaceText_ThrowsArgumentException(string text)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _embedder.EmbedAsync(["fine", text], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("index 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_NullText_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _embedder.EmbedAsync([null!], cancellationToken: TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _embedder.EmbedAsync((IReadOnlyList<string>)null!, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Embed_InvalidUtf16_IsReplacedNotThrown()
    {
        var vector = await _embedder.EmbedAsync("lamp \ud83d shade \udc00", cancellationToken: TestContext.Current.CancellationToken);
        var clean = await _embedder.EmbedAsync("lamp shade", cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(TensorPrimitives.CosineSimilarity(vector, clean) > 0.9999f);
    }

    [Fact]
    public async Task Embed_OnlyControlCharacters_StillGivesAUnitVector()
    {
        var vector = await _embedder.EmbedAsync("\u200b\u0001\ufeff", cancellationToken: TestContext.Current.CancellationToken);

        Assert.InRange(TensorPrimitives.Norm(vector), 0.9999f, 1.0001f);
    }

    [Fact]
    public async Task Embed_WithCancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _embedder.EmbedAsync(Texts, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Embed_ManyTextsAcrossSortWindows_KeepsInputOrder()
    {
        using var small = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32, SortWindow = 3, MaxBatchSize = 2, Concurrency = 2 });
        var expected = await _embedder.EmbedAsync(Texts, cancellationToken: TestContext.Current.CancellationToken);

        var actual = await small.EmbedAsync(Texts, cancellationToken: TestContext.Current.CancellationToken);

        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(expected[i], actual[i]) >= 0.9999f, $"Text {i} moved or changed.");
        }
    }

    [Fact]
    public async Task EmbeddingGenerator_ReturnsTheEngineVectorsAndDescribesTheModel()
    {
        using var adapter = new OnnxEmbeddingGenerator(_embedder);
        IEmbeddingGenerator<string, Embedding<float>> generator = adapter;

        var embeddings = await generator.GenerateAsync(Texts.Take(3), cancellationToken: TestContext.Current.CancellationToken);
        var expected = await _embedder.EmbedAsync(Texts.Take(3).ToList(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, embeddings.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], embeddings[i].Vector.ToArray());
            Assert.Equal(BundledModel.MiniLM.Name, embeddings[i].ModelId);
        }

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.NotNull(metadata);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.Same(_embedder, generator.GetService<OnnxEmbedder>());
    }

    [Fact]
    public async Task EmbeddingGenerator_WithOtherDimensions_ThrowsArgumentException()
    {
        using var generator = new OnnxEmbeddingGenerator(_embedder);

        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(["mug"], new EmbeddingGenerationOptions { Dimensions = 768 }, TestContext.Current.CancellationToken));
    }
}
