using System.Numerics.Tensors;
using VectorIndexer.Embedding;
using VectorIndexer.Training.Bert;

namespace VectorIndexer.Training.Tests;

/// <summary>
/// Before any training: the TorchSharp encoder loaded from a bundled model's ONNX weights gives the
/// vectors ONNX Runtime gives for the same texts, for every bundled model.
/// </summary>
public sealed class ParityTests
{
    public static TheoryData<string> Models => [.. BundledModel.All.Select(m => m.Key)];

    [Theory]
    [MemberData(nameof(Models))]
    public Task TorchEncoder_MatchesOnnxRuntime_On200SampleProducts(string model) =>
        AssertParityAsync(model, SampleTexts.Documents(200));

    [Theory]
    [MemberData(nameof(Models))]
    public async Task TorchEncoder_MatchesOnnxRuntime_On200EsciProducts(string model)
    {
        Assert.SkipWhen(TestSupport.TestData.EsciDirectory is null, TestSupport.TestData.EsciMissingReason);
        var ct = TestContext.Current.CancellationToken;
        var products = new List<Core.Product>();
        await using (var feed = Catalog.CatalogFeed.Open(TestSupport.TestData.EsciProductsPath!, Catalog.FeedMapping.Esci))
        {
            await foreach (var item in feed.ReadAsync(ct))
            {
                if (item is Catalog.FeedProduct { Product: var product } && products.Count < 200)
                {
                    products.Add(product);
                }
            }
        }

        var composer = new Core.ProductTextComposer();
        await AssertParityAsync(model, [.. products.Select(composer.Compose)]);
    }

    private static async Task AssertParityAsync(string model, IReadOnlyList<string> documents)
    {
        var ct = TestContext.Current.CancellationToken;
        string[] queries = ["wireless noise cancelling headphones", "running shoes for women", "stainless steel water bottle 1l"];
        using var onnx = new OnnxEmbedder(new EmbeddingOptions { Model = model, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
        var expectedDocuments = await onnx.EmbedAsync(documents, EmbeddingPurpose.Document, ct);
        var expectedQueries = await onnx.EmbedAsync(queries, EmbeddingPurpose.Query, ct);

        var graph = BertGraph.Read(onnx.Model.OnnxPath);
        using var encoder = new BertEncoder(graph, onnx.Model.Config);
        var torch = new TorchEmbedder(encoder, onnx.Tokenizer, onnx.Model.Config, onnx.MaxLength);
        var actualDocuments = torch.Embed(documents, EmbeddingPurpose.Document, cancellationToken: ct);
        var actualQueries = torch.Embed(queries, EmbeddingPurpose.Query, cancellationToken: ct);

        Assert.Equal(200, actualDocuments.Length);
        var worst = expectedDocuments.Concat(expectedQueries)
            .Zip(actualDocuments.Concat(actualQueries), (e, a) => TensorPrimitives.CosineSimilarity(e, a))
            .Min();
        TestContext.Current.TestOutputHelper?.WriteLine($"{model}: lowest cosine {worst:F7} over {actualDocuments.Length} documents and {actualQueries.Length} queries");
        Assert.True(worst >= 0.9999f, $"{model}: the lowest cosine between TorchSharp and ONNX Runtime vectors is {worst:F6}, below 0.9999.");
        Assert.All(actualDocuments, v => Assert.Equal(1f, TensorPrimitives.Norm(v), 3));
    }

    [Fact]
    public void Graph_ReadsTheShapeOfMiniLm()
    {
        var graph = BertGraph.Read(EmbeddingModel.Open(null, BundledModel.MiniLM.Key).OnnxPath);

        Assert.Equal(6, graph.Layers);
        Assert.Equal(384, graph.Hidden);
        Assert.Equal(12, graph.Heads);
        Assert.Equal(1536, graph.Intermediate);
        Assert.Equal(30522, graph.Vocabulary);
        Assert.Equal(512, graph.Positions);
        Assert.Equal(1e-12f, graph.Epsilon, 1e-15f);
        // 5 embedding weights, and per layer 6 linears (weight + bias) and 2 layer norms (weight + bias).
        Assert.Equal(5 + (6 * ((6 * 2) + (2 * 2))), graph.WeightNames.Count);
        Assert.Equal([384, 384], graph.Weight("encoder.layer.0.attention.self.query.weight").Shape);
        Assert.Equal([384, 1536], graph.Weight("encoder.layer.5.intermediate.dense.weight").Shape);
    }

    [Fact]
    public void Graph_RefusesAFileThatIsNotOnnx()
    {
        using var dir = new TestSupport.TempDirectory();
        var path = Path.Combine(dir.Path, "model.onnx");
        File.WriteAllText(path, "not a model");

        var error = Assert.Throws<InvalidDataException>(() => BertGraph.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
