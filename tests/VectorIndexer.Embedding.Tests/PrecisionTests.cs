using System.Numerics.Tensors;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VectorIndexer.Embedding.Quantization;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Embedding.Tests;

/// <summary>
/// <c>Embedding:Precision</c>. These tests damage and remake the bundled model's int8 copy, which
/// every engine with the default precision opens, so they run alone.
/// </summary>
[Collection(nameof(BundledInt8CopyTests))]
public sealed class PrecisionTests(EmbedderFixture fixture) : IDisposable
{
    private static readonly string BundledInt8Folder = Path.Combine(Path.GetDirectoryName(BundledModel.MiniLM.Directory)!, BundledModel.MiniLM.Name + QuantizedModelFolder.NameSuffix);

    private readonly string _folder = Directory.CreateTempSubdirectory("vi-precision-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Int8AgainstFp32_On200EsciProducts_MeanCosineIsAtLeast099()
    {
        Assert.SkipWhen(TestData.EsciDirectory is null, TestData.EsciMissingReason);
        var texts = Golden.EsciTexts(200).Values.ToList();

        using var int8 = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8 });
        var vectors = await int8.EmbedAsync(texts, cancellationToken: TestContext.Current.CancellationToken);
        var reference = await fixture.Embedder.EmbedAsync(texts, cancellationToken: TestContext.Current.CancellationToken);

        var cosines = vectors.Select((v, i) => TensorPrimitives.CosineSimilarity(v, reference[i])).ToList();
        Assert.True(cosines.Average() >= 0.99, $"mean cosine {cosines.Average():0.0000}, min {cosines.Min():0.0000}");
        Assert.True(cosines.Min() >= 0.97, $"min cosine {cosines.Min():0.0000}");
    }

    [Fact]
    public void Int8_WithTheBundledModel_UsesThePinnedCopy_AndRemakesAWrongOne()
    {
        using (var first = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8 }))
        {
            Assert.Equal("all-MiniLM-L6-v2-int8", first.Model.Name);
            Assert.Equal(EmbeddingPrecision.Int8, first.Model.Precision);
            Assert.Equal(BundledInt8Folder, first.Model.Directory);
        }

        var path = Path.Combine(BundledInt8Folder, "model.onnx");
        File.WriteAllText(path, "damaged");
        using var second = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8 });

        Assert.Equal(BundledInt8Models.PinnedSha256[BundledModel.MiniLM.Name], Sha256(path));
        Assert.Equal(384, second.Dimensions);
    }

    [Fact]
    public void Int8_ChangesTheModelIdentity_SoTheCatalogueIsEmbeddedAgain()
    {
        using var int8 = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8 });
        var fp32 = fixture.Embedder;

        // The model name is what the catalogue fingerprint, the index generation's model and the
        // reuse of stored vectors compare; the cache key is what eval's vector cache uses.
        Assert.Equal(EmbeddingPrecision.Fp32, fp32.Model.Precision);
        Assert.NotEqual(fp32.Model.Name, int8.Model.Name);
        Assert.NotEqual(fp32.Model.Identity, int8.Model.Identity);
        Assert.StartsWith(int8.Model.Name + "|", int8.Model.Identity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Int8_GivesATextTheSameVectorAloneAndInABatch()
    {
        // Its activations are quantized with one scale per model call, so batching texts together
        // would make each vector depend on its neighbours; the engine runs one text per call.
        using var int8 = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8, MaxBatchSize = 8, MaxTokensPerBatch = 4096 });
        string[] texts =
        [
            "Stainless steel insulated water bottle 750 ml",
            "USB-C charging cable, braided nylon, 2 m, fast charge for phones and tablets, black",
            "Kids' waterproof rain jacket with hood",
            "Cast iron skillet",
        ];

        var batched = await int8.EmbedAsync(texts, cancellationToken: TestContext.Current.CancellationToken);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await int8.EmbedAsync([texts[i]], cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(alone[0], batched[i]);
        }
    }

    [Fact]
    public void Auto_OnTheCpu_RunsTheBundledModelInInt8()
    {
        using var auto = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Auto });

        Assert.Equal(EmbeddingPrecision.Int8, auto.Model.Precision);
    }

    [Fact]
    public void AutoAndFp32_WithAModelFolderOfOnesOwn_UseItAsItIs()
    {
        LinkDefault("model.onnx");
        LinkDefault("vocab.txt");

        using var auto = new OnnxEmbedder(new EmbeddingOptions { ModelPath = _folder, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Auto });

        Assert.Equal(EmbeddingPrecision.Fp32, auto.Model.Precision);
        Assert.Equal(_folder, auto.Model.Directory);
    }

    [Fact]
    public void Int8_WithAnUnquantizedFolderOfOnesOwn_FailsSayingHowToQuantizeIt()
    {
        LinkDefault("model.onnx");
        LinkDefault("vocab.txt");

        var ex = Assert.Throws<ModelLoadException>(() => new OnnxEmbedder(new EmbeddingOptions { ModelPath = _folder, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8 }));

        Assert.Contains("Embedding:Precision", ex.Message, StringComparison.Ordinal);
        Assert.Contains("vectorindexer quantize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8_WithAQuantizedFolderOfOnesOwn_UsesIt()
    {
        var output = Path.Combine(_folder, "int8");
        QuantizedModelFolder.Write(EmbeddingModel.Open(null, BundledModel.MiniLM.Key), output);

        using var int8 = new OnnxEmbedder(new EmbeddingOptions { ModelPath = output, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8 });

        Assert.Equal(output, int8.Model.Directory);
        Assert.Equal(EmbeddingPrecision.Int8, int8.Model.Precision);
    }

    [Fact]
    public void AddEmbedding_BindsThePrecision()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Embedding:Device"] = "cpu", ["Embedding:Precision"] = "int8" });
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(EmbeddingPrecision.Int8, provider.GetRequiredService<IOptions<EmbeddingOptions>>().Value.Precision);
    }

    [Fact]
    public void AddEmbedding_WithAnUnknownPrecision_FailsAtStartNamingTheSettingAndValue()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Embedding:Device"] = "cpu", ["Embedding:Precision"] = "int4" });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("int4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Embedding:Precision", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddEmbedding();
        return services.BuildServiceProvider();
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private void LinkDefault(string file) =>
        File.CreateSymbolicLink(Path.Combine(_folder, file), Path.Combine(BundledModel.MiniLM.Directory, file));
}

[CollectionDefinition(nameof(BundledInt8CopyTests), DisableParallelization = true)]
public sealed class BundledInt8CopyTests;
