using VectorIndexer.Core;
using VectorIndexer.Embedding;
using VectorIndexer.TestSupport;
using VectorIndexer.Training.Bert;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace VectorIndexer.Training.Tests;

/// <summary>
/// Short training runs on all-MiniLM-L6-v2 with self-supervised pairs from the sample catalogue
/// (title to the rest of the text): small enough for CI, large enough to show the loss falling.
/// </summary>
public sealed class FineTuneTests
{
    private static readonly FineTuneOptions Short = new()
    {
        LearningRate = 1e-4,
        Epochs = 2,
        BatchSize = 8,
        MaxLength = 48,
        ValidationFraction = 0,
        CheckpointEvery = 2,
    };

    [Fact]
    public void ShortRun_LowersTheLoss_AndMovesAKnownQueryProductPairCloser()
    {
        using var dir = new TempDirectory();
        var (model, graph, data) = Setup(24);
        using var encoder = new BertEncoder(graph, model.Config);
        var tokenizer = Tokenizer(model);
        var tuner = new FineTuner(encoder, tokenizer, model.Config, Short, model.Identity);
        var pair = data.Pairs[3];
        var before = PairCosine(encoder, tokenizer, model, pair);
        var lossBefore = tuner.Loss(data.Pairs);

        var result = tuner.Train(data, Path.Combine(dir.Path, "checkpoint"), cancellationToken: TestContext.Current.CancellationToken);

        var lossAfter = tuner.Loss(data.Pairs);
        var after = PairCosine(encoder, tokenizer, model, pair);
        TestContext.Current.TestOutputHelper?.WriteLine($"loss {lossBefore:F4} -> {lossAfter:F4}; '{pair.Query}' to its product {before:F4} -> {after:F4}");
        Assert.Equal(2, result.Epochs.Count);
        Assert.Equal(24, result.TrainingPairs);
        Assert.True(lossAfter < lossBefore * 0.9, $"loss {lossBefore:F4} -> {lossAfter:F4}");
        Assert.True(after > before, $"cosine {before:F4} -> {after:F4}");
    }

    [Fact]
    public async Task WrittenModel_LoadsInOnnxRuntime_AndGivesTheTrainedVectors()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var (model, graph, data) = Setup(16);
        using var encoder = new BertEncoder(graph, model.Config);
        var tokenizer = Tokenizer(model);
        var tuner = new FineTuner(encoder, tokenizer, model.Config, Short with { Epochs = 1 }, model.Identity);
        var result = tuner.Train(data, Path.Combine(dir.Path, "checkpoint"), cancellationToken: ct);
        var folder = Path.Combine(dir.Path, "shop-v1");

        FineTunedModelFolder.Write(folder, graph, encoder, model, new { result.TrainingPairs });

        string[] texts = [.. data.Catalogue.Values.Take(12), "?", "🙂 émoji and ünïcödé", "日本語のテキスト", string.Concat(Enumerable.Repeat("very long text ", 400))];
        using var tuned = new OnnxEmbedder(new EmbeddingOptions { ModelPath = folder, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
        using var original = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
        var fromOnnx = await tuned.EmbedAsync(texts, EmbeddingPurpose.Document, ct);
        var fromBase = await original.EmbedAsync(texts, EmbeddingPurpose.Document, ct);
        var fromTorch = new TorchEmbedder(encoder, tokenizer, model.Config, tuned.MaxLength).Embed(texts, EmbeddingPurpose.Document, cancellationToken: ct);

        Assert.Equal("shop-v1", tuned.Model.Name);
        Assert.Equal(model.Config with { Name = "shop-v1" }, tuned.Model.Config);
        Assert.All(fromOnnx.Zip(fromTorch), p => Assert.True(TensorPrimitives.CosineSimilarity(p.First, p.Second) >= 0.9999f));
        Assert.All(fromOnnx, v => Assert.Equal(1f, TensorPrimitives.Norm(v), 3));
        Assert.Contains(fromOnnx.Zip(fromBase), p => TensorPrimitives.CosineSimilarity(p.First, p.Second) < 0.9999f);
        Assert.Contains("\"fineTuning\"", File.ReadAllText(Path.Combine(folder, "model.json")), StringComparison.Ordinal);
        Assert.Throws<IOException>(() => FineTunedModelFolder.Write(folder, graph, encoder, model, new { }));
    }

    [Fact]
    public void KilledRun_ResumesFromItsCheckpoint_ToTheSameModel()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var (model, graph, data) = Setup(32);
        var tokenizer = Tokenizer(model);
        var options = Short with { Epochs = 1, CheckpointEvery = 1 };

        using var whole = new BertEncoder(graph, model.Config);
        new FineTuner(whole, tokenizer, model.Config, options, model.Identity).Train(data, Path.Combine(dir.Path, "whole"), cancellationToken: ct);

        var interrupted = Path.Combine(dir.Path, "interrupted");
        using (var first = new BertEncoder(graph, model.Config))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var progress = new SynchronousProgress(p =>
            {
                if (p.Phase == "training" && p.Step == 2)
                {
                    stop.Cancel();
                }
            });
            Assert.ThrowsAny<OperationCanceledException>(() => new FineTuner(first, tokenizer, model.Config, options, model.Identity).Train(data, interrupted, progress, stop.Token));
        }

        using var resumed = new BertEncoder(graph, model.Config);
        var result = new FineTuner(resumed, tokenizer, model.Config, options, model.Identity).Train(data, interrupted, cancellationToken: ct);

        Assert.True(result.ResumedFromCheckpoint);
        string[] texts = [.. data.Catalogue.Values.Take(8)];
        var a = new TorchEmbedder(whole, tokenizer, model.Config, 48).Embed(texts, EmbeddingPurpose.Document, cancellationToken: ct);
        var b = new TorchEmbedder(resumed, tokenizer, model.Config, 48).Embed(texts, EmbeddingPurpose.Document, cancellationToken: ct);
        Assert.All(a.Zip(b), p => Assert.True(TensorPrimitives.CosineSimilarity(p.First, p.Second) >= 0.99999f));

        using var other = new BertEncoder(graph, model.Config);
        var error = Assert.Throws<InvalidOperationException>(() => new FineTuner(other, tokenizer, model.Config, options with { Seed = 7 }, model.Identity).Train(data, interrupted, cancellationToken: ct));
        Assert.Contains("another run", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_NeverHoldAQueryOrAProductTwice()
    {
        var (model, graph, _) = Setup(1);
        using var encoder = new BertEncoder(graph, model.Config);
        var tuner = new FineTuner(encoder, Tokenizer(model), model.Config, Short with { BatchSize = 4 }, model.Identity);
        var pairs = new List<TrainingPair>();
        for (var i = 0; i < 40; i++)
        {
            pairs.Add(new TrainingPair($"q{i % 5}", $"query {i % 5}", $"p{i % 7}", $"product {i % 7}"));
        }

        var batches = tuner.Batches(pairs, epoch: 0);

        Assert.All(batches, b =>
        {
            Assert.InRange(b.Count, 2, 4);
            Assert.Equal(b.Count, b.Select(p => p.QueryKey).Distinct().Count());
            Assert.Equal(b.Count, b.Select(p => p.ProductId).Distinct().Count());
        });
        Assert.True(batches.Sum(b => b.Count) >= 36, "at most the tail that repeats one query is left out");
    }

    [Fact]
    public void Batches_OfASeed_AreTheSameInEveryProcess()
    {
        var (model, graph, _) = Setup(1);
        using var encoder = new BertEncoder(graph, model.Config);
        var tuner = new FineTuner(encoder, Tokenizer(model), model.Config, Short with { BatchSize = 8, Seed = 42 }, model.Identity);
        var pairs = Enumerable.Range(0, 8).Select(i => new TrainingPair($"q{i}", $"query {i}", $"p{i}", $"product {i}")).ToList();

        string Order(int epoch) => string.Join(',', tuner.Batches(pairs, epoch).SelectMany(b => b).Select(p => p.ProductId));

        // Recorded once; an order drawn from a per-process seed (HashCode.Combine) differs here.
        Assert.Equal("p5,p6,p4,p0,p2,p1,p7,p3", Order(0));
        Assert.Equal("p2,p1,p0,p6,p3,p4,p5,p7", Order(1));
    }

    [Theory]
    [InlineData(nameof(FineTuneOptions.LearningRate))]
    [InlineData(nameof(FineTuneOptions.BatchSize))]
    [InlineData(nameof(FineTuneOptions.Epochs))]
    public void Options_OutOfRange_AreRefusedNamingTheSetting(string setting)
    {
        var options = setting switch
        {
            nameof(FineTuneOptions.LearningRate) => new FineTuneOptions { LearningRate = 0 },
            nameof(FineTuneOptions.BatchSize) => new FineTuneOptions { BatchSize = 1 },
            _ => new FineTuneOptions { Epochs = 0 },
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public async Task ClickLog_WithABadCount_IsRefusedNamingTheLine()
    {
        using var dir = new TempDirectory();
        var path = dir.File("clicks.tsv", "query\tproduct_id\tclicks\nheadphones\tELE-0001\t3\nheadphones\tELE-0002\tmany\n");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TrainingDataSources.FromClicksAsync(SampleTexts.All, new ProductTextComposer(), path, TestContext.Current.CancellationToken));

        Assert.Contains("clicks.tsv:3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickLog_GivesOnePairPerClickedQueryProduct()
    {
        using var dir = new TempDirectory();
        var path = dir.File("clicks.csv", "query,product_id,clicks\nheadphones,ELE-0001,3\nheadphones,ELE-0001,1\nheadphones,ELE-0002,0\nunknown product,NOPE,5\n");

        var data = await TrainingDataSources.FromClicksAsync(SampleTexts.All, new ProductTextComposer(), path, TestContext.Current.CancellationToken);

        var pair = Assert.Single(data.Pairs);
        Assert.Equal(("headphones", "ELE-0001"), (pair.Query, pair.ProductId));
    }

    private static (EmbeddingModel Model, BertGraph Graph, TrainingData Data) Setup(int products)
    {
        var model = EmbeddingModel.Open(null, BundledModel.MiniLM.Key);
        var graph = BertGraph.Read(model.OnnxPath);
        var data = TrainingDataSources.SelfSupervised([.. SampleTexts.All.Take(products)], new ProductTextComposer(), new ProductTextOptions());
        return (model, graph, data);
    }

    private static Embedding.Tokenization.BertWordPieceTokenizer Tokenizer(EmbeddingModel model) =>
        Embedding.Tokenization.BertWordPieceTokenizer.FromVocabulary(model.VocabPath, model.Config.LowerCase);

    private static float PairCosine(BertEncoder encoder, Embedding.Tokenization.BertWordPieceTokenizer tokenizer, EmbeddingModel model, TrainingPair pair)
    {
        var embedder = new TorchEmbedder(encoder, tokenizer, model.Config, 48);
        var query = embedder.Embed([pair.Query], EmbeddingPurpose.Query)[0];
        var document = embedder.Embed([pair.Document], EmbeddingPurpose.Document)[0];
        return TensorPrimitives.Dot(query, document);
    }

    private sealed class SynchronousProgress(Action<FineTuneProgress> report) : IProgress<FineTuneProgress>
    {
        public void Report(FineTuneProgress value) => report(value);
    }
}
