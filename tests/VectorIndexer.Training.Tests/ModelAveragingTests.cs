using VectorIndexer.Embedding;
using VectorIndexer.TestSupport;
using VectorIndexer.Training.Bert;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace VectorIndexer.Training.Tests;

/// <summary>Weight averaging of models from one base: the arithmetic, the written folder, and what is refused.</summary>
public sealed class ModelAveragingTests
{
    [Fact]
    public void WeightedAverage_IsTheWeightedMeanOfEveryWeight()
    {
        using var dir = new TempDirectory();
        var model = EmbeddingModel.Open(null, BundledModel.MiniLM.Key);
        var graph = BertGraph.Read(model.OnnxPath);
        var shiftedPath = Path.Combine(dir.Path, "shifted.onnx");
        graph.WriteModel(shiftedPath, graph.WeightNames.ToDictionary(n => n, n => Array.ConvertAll(graph.Weight(n).Values, v => v + 1f)));
        var shifted = BertGraph.Read(shiftedPath);

        var averaged = ModelAveraging.Average([graph, shifted], [3, 1]); // normalised to 0.75 and 0.25

        Assert.Equal(graph.WeightNames.Order(), averaged.Keys.Order());
        foreach (var name in graph.WeightNames)
        {
            var original = graph.Weight(name).Values;
            var mean = averaged[name];
            Assert.Equal(original.Length, mean.Length);
            for (var i = 0; i < original.Length; i += 97)
            {
                Assert.Equal(original[i] + 0.25f, mean[i], 1e-5f);
            }
        }
    }

    [Fact]
    public async Task AveragedFolder_LoadsInOnnxRuntime_AndAModelAveragedWithItselfEmbedsAsItDid()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var model = EmbeddingModel.Open(null, BundledModel.MiniLM.Key);
        var graph = BertGraph.Read(model.OnnxPath);
        var folder = Path.Combine(dir.Path, "soup");
        ModelAveraging.RequireCompatible([model, model]);

        FineTunedModelFolder.Write(folder, graph, ModelAveraging.Average([graph, graph], [1, 1]), model, "averaging", new { models = 2 });

        string[] texts = [.. SampleTexts.All.Take(8).Select(p => p.Title!), "🙂 émoji and ünïcödé"];
        using var averaged = new OnnxEmbedder(new EmbeddingOptions { ModelPath = folder, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
        using var original = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
        var after = await averaged.EmbedAsync(texts, EmbeddingPurpose.Query, ct);
        var before = await original.EmbedAsync(texts, EmbeddingPurpose.Query, ct);

        Assert.Equal(model.Config with { Name = "soup" }, averaged.Model.Config);
        Assert.All(after.Zip(before), p => Assert.True(TensorPrimitives.CosineSimilarity(p.First, p.Second) >= 0.99999f));
        Assert.Contains("\"averaging\"", File.ReadAllText(Path.Combine(folder, "model.json")), StringComparison.Ordinal);
        Assert.Throws<IOException>(() => FineTunedModelFolder.Write(folder, graph, ModelAveraging.Average([graph, graph], [1, 1]), model, "averaging", new { }));
    }

    [Fact]
    public void ModelsServedDifferently_OrBadWeights_AreRefused()
    {
        var minilm = EmbeddingModel.Open(null, BundledModel.MiniLM.Key);
        var arctic = EmbeddingModel.Open(null, BundledModel.ArcticXs.Key);
        var graph = BertGraph.Read(minilm.OnnxPath);

        var error = Assert.Throws<InvalidDataException>(() => ModelAveraging.RequireCompatible([minilm, arctic]));
        Assert.Contains("one base", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelAveraging.RequireCompatible([minilm]));
        Assert.Throws<ArgumentException>(() => ModelAveraging.Average([graph, graph], [1, -1]));
        Assert.Throws<ArgumentException>(() => ModelAveraging.Average([graph, graph], [0, 0]));
        Assert.Throws<ArgumentException>(() => ModelAveraging.Average([graph, graph], [1]));
        Assert.Throws<ArgumentException>(() => ModelAveraging.Average([graph], [1]));
    }
}
