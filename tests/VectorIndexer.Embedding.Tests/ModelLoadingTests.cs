using VectorIndexer.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace VectorIndexer.Embedding.Tests;

public sealed class ModelLoadingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vi-model-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void MissingModelFolder_FailsNamingIt()
    {
        var path = Path.Combine(_folder, "nope");

        var ex = Assert.Throws<ModelLoadException>(() => new OnnxEmbedder(new EmbeddingOptions { ModelPath = path, Device = EmbeddingDevice.Cpu }));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FolderWithoutVocabulary_FailsNamingTheFile()
    {
        LinkDefault("model.onnx");

        var ex = Assert.Throws<ModelLoadException>(() => new OnnxEmbedder(new EmbeddingOptions { ModelPath = _folder, Device = EmbeddingDevice.Cpu }));

        Assert.Contains("vocab.txt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptOnnxFile_FailsWithAClearMessage()
    {
        LinkDefault("vocab.txt");
        File.WriteAllText(Path.Combine(_folder, "model.onnx"), "this is not a model");

        var ex = Assert.Throws<ModelLoadException>(() => new OnnxEmbedder(new EmbeddingOptions { ModelPath = _folder, Device = EmbeddingDevice.Cpu }));

        Assert.Contains("could not load", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidModelJson_FailsNamingTheFile()
    {
        LinkDefault("model.onnx");
        LinkDefault("vocab.txt");
        File.WriteAllText(Path.Combine(_folder, "model.json"), "{ \"maxLength\": \"long\" }");

        var ex = Assert.Throws<InvalidDataException>(() => new OnnxEmbedder(new EmbeddingOptions { ModelPath = _folder, Device = EmbeddingDevice.Cpu }));

        Assert.Contains("model.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxLengthAboveTheModelLimit_Fails()
    {
        LinkDefault("model.onnx");
        LinkDefault("vocab.txt");
        File.WriteAllText(Path.Combine(_folder, "model.json"), "{ \"maxLength\": 128 }");

        var ex = Assert.Throws<ModelLoadException>(() => new OnnxEmbedder(new EmbeddingOptions { ModelPath = _folder, Device = EmbeddingDevice.Cpu, MaxLength = 256 }));

        Assert.Contains("limit of 128", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomFolderWithPrefixes_PrependsEachPrefixToItsPurpose()
    {
        LinkDefault("model.onnx");
        LinkDefault("vocab.txt");
        File.WriteAllText(Path.Combine(_folder, "model.json"), """{ "name": "minilm-e5-style", "queryPrefix": "query: ", "documentPrefix": "passage: " }""");
        using var embedder = new OnnxEmbedder(new EmbeddingOptions { ModelPath = _folder, Device = EmbeddingDevice.Cpu });
        using var plain = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
        var ct = TestContext.Current.CancellationToken;

        var query = await embedder.EmbedAsync("red running shoes", EmbeddingPurpose.Query, ct);
        var document = await embedder.EmbedAsync("red running shoes", EmbeddingPurpose.Document, ct);
        var expectedQuery = await plain.EmbedAsync("query: red running shoes", EmbeddingPurpose.Query, ct);
        var expectedDocument = await plain.EmbedAsync("passage: red running shoes", EmbeddingPurpose.Document, ct);

        Assert.Equal("minilm-e5-style", embedder.Model.Name);
        Assert.Equal(expectedQuery, query);
        Assert.Equal(expectedDocument, document);
        Assert.NotEqual(query, document);
    }

    [Fact]
    public void UnknownBundledModel_FailsNamingTheChoices()
    {
        var error = Assert.Throws<ModelLoadException>(() => EmbeddingModel.Open(null, "bert-large"));

        Assert.Contains("Embedding:Model 'bert-large'", error.Message, StringComparison.Ordinal);
        Assert.Contains("minilm, arctic-xs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("minilm", "all-MiniLM-L6-v2", PoolingMode.Mean)]
    [InlineData("ARCTIC-XS", "snowflake-arctic-embed-xs", PoolingMode.Cls)]
    public void BundledModel_OpensByKey_CaseInsensitive_WithItsSettings(string key, string name, PoolingMode pooling)
    {
        var model = EmbeddingModel.Open(null, key);

        Assert.Equal(name, model.Name);
        Assert.Equal(pooling, model.Config.Pooling);
        Assert.NotNull(model.Bundled);
        Assert.True(File.Exists(model.OnnxPath));
    }

    [Fact]
    public void Identity_DiffersBetweenModels_FollowsTheDocumentPrefix_AndNotThePath()
    {
        var minilm = EmbeddingModel.Open(null, "minilm").Identity;
        var arctic = EmbeddingModel.Open(null, "arctic-xs").Identity;
        LinkDefault("model.onnx");
        LinkDefault("vocab.txt");
        File.WriteAllText(Path.Combine(_folder, "model.json"), """{ "name": "all-MiniLM-L6-v2" }""");
        var sameFilesInAFolder = EmbeddingModel.Open(_folder).Identity;
        File.WriteAllText(Path.Combine(_folder, "model.json"), """{ "name": "all-MiniLM-L6-v2", "queryPrefix": "query: " }""");
        var withQueryPrefix = EmbeddingModel.Open(_folder).Identity;
        File.WriteAllText(Path.Combine(_folder, "model.json"), """{ "name": "all-MiniLM-L6-v2", "documentPrefix": "passage: " }""");
        var withDocumentPrefix = EmbeddingModel.Open(_folder).Identity;

        Assert.NotEqual(minilm, arctic);
        Assert.Equal(minilm, sameFilesInAFolder);
        Assert.Equal(minilm, withQueryPrefix);
        Assert.NotEqual(minilm, withDocumentPrefix);
        Assert.Contains(BundledModel.MiniLM.OnnxSha256, minilm, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNativeRuntime_IsTheGpuBuild_NotTheCpuPackage()
    {
        // Referencing Microsoft.ML.OnnxRuntime next to Microsoft.ML.OnnxRuntime.Gpu builds without
        // a warning, but the CPU libonnxruntime.so overwrites the GPU one and CUDA can never load.
        var providers = OrtEnv.Instance().GetAvailableProviders();

        Assert.Contains("CUDAExecutionProvider", providers);
    }

    [Fact]
    public void DeviceAuto_WithoutCuda_FallsBackToTheCpuWithAWarningSayingWhy()
    {
        var logger = new ListLogger<OnnxEmbedder>();

        using var embedder = new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Auto }, logger);

        if (embedder.ExecutionProvider == "CUDAExecutionProvider")
        {
            Assert.Skip("A CUDA device is present here, so there is no fallback to observe.");
        }

        Assert.Equal("CPUExecutionProvider", embedder.ExecutionProvider);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("CUDA is not available", warning.Message, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("provider CPUExecutionProvider", StringComparison.Ordinal));
    }

    [Fact]
    public void DeviceCuda_WithoutCuda_StopsWithAnActionableMessage()
    {
        if (GpuProbe.CudaAvailable)
        {
            Assert.Skip("A CUDA device is present here; the failure path cannot be observed.");
        }

        var ex = Assert.Throws<ModelLoadException>(() => new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Cuda }));

        Assert.Contains("Embedding:Device is 'cuda'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA 13 and cuDNN 9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be loaded", ex.Message, StringComparison.Ordinal);
    }

    private void LinkDefault(string file) =>
        File.CreateSymbolicLink(Path.Combine(_folder, file), Path.Combine(BundledModel.MiniLM.Directory, file));
}
