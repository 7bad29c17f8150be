using System.Numerics.Tensors;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using VectorIndexer.Embedding.Quantization;

namespace VectorIndexer.Embedding.Tests;

/// <summary>The int8 quantizer and the <c>quantize</c> output folder.</summary>
public sealed class QuantizationTests(EmbedderFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vi-quant-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void QuantizeBundledModel_IsDeterministic_AndGivesThePinnedFile()
    {
        var source = EmbeddingModel.Open(null, BundledModel.MiniLM.Key);

        var first = QuantizedModelFolder.Write(source, Path.Combine(_folder, "a"));
        var second = QuantizedModelFolder.Write(source, Path.Combine(_folder, "b"));

        Assert.Equal(first.OutputSha256, second.OutputSha256);
        Assert.Equal(BundledInt8Models.PinnedSha256[BundledModel.MiniLM.Name], first.OutputSha256);
        // 6 layers x (q, k, v, attention output, FFN in, FFN out) + the pooler's Gemm.
        Assert.Equal(37, first.Quantized.Count);
        Assert.Contains(first.Quantized, l => l is { OpType: "Gemm", Label: "pooler.dense" });
        Assert.True(first.OutputBytes < first.SourceBytes * 0.7, $"{first.OutputBytes} bytes is not much smaller than {first.SourceBytes}");
    }

    [Fact]
    public void QuantizedFolder_RecordsItsSource_AndKeepsTheSettings()
    {
        var source = EmbeddingModel.Open(null, BundledModel.MiniLM.Key);
        var output = Path.Combine(_folder, "int8");

        var report = QuantizedModelFolder.Write(source, output);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "model.json")));
        var root = json.RootElement;
        Assert.Equal("all-MiniLM-L6-v2-int8", root.GetProperty("name").GetString());
        Assert.Equal(512, root.GetProperty("maxLength").GetInt32());
        Assert.True(root.GetProperty("lowerCase").GetBoolean());
        var record = root.GetProperty("quantization");
        Assert.Equal(report.SourceSha256, record.GetProperty("sourceSha256").GetString());
        Assert.Equal(Int8Quantizer.Sha256(File.ReadAllBytes(source.OnnxPath)), record.GetProperty("sourceSha256").GetString());
        Assert.Equal(report.OutputSha256, record.GetProperty("sha256").GetString());
        Assert.Equal(File.ReadAllBytes(source.VocabPath), File.ReadAllBytes(Path.Combine(output, "vocab.txt")));
        Assert.Equal(PoolingMode.Mean, ModelConfig.Read(Path.Combine(output, "model.json")).Pooling);
    }

    [Fact]
    public async Task QuantizedModel_LoadsAndEmbeds_CloseToFp32()
    {
        var output = Path.Combine(_folder, "int8");
        QuantizedModelFolder.Write(EmbeddingModel.Open(null, BundledModel.MiniLM.Key), output);
        string[] texts = ["cordless drill with two batteries", "waterproof jacket for rain", "gift for a toddler who likes building"];

        using var int8 = new OnnxEmbedder(new EmbeddingOptions { ModelPath = output, Device = EmbeddingDevice.Cpu });
        var vectors = await int8.EmbedAsync(texts, cancellationToken: TestContext.Current.CancellationToken);
        var reference = await fixture.Embedder.EmbedAsync(texts, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(EmbeddingPrecision.Int8, int8.Model.Precision);
        Assert.Equal(384, int8.Dimensions);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(1f, TensorPrimitives.Norm(vectors[i]), 3);
            Assert.True(TensorPrimitives.CosineSimilarity(vectors[i], reference[i]) > 0.98f, $"'{texts[i]}': cosine {TensorPrimitives.CosineSimilarity(vectors[i], reference[i])}");
        }
    }

    [Fact]
    public void Quantize_WithExclusions_KeepsThoseLayersInFp32_AndNamesTheVariant()
    {
        var source = EmbeddingModel.Open(null, BundledModel.MiniLM.Key);
        var output = Path.Combine(_folder, "int8");

        var report = QuantizedModelFolder.Write(source, output, new QuantizationOptions { Exclude = ["encoder.layer.5.output.dense", "pooler.*"] });

        Assert.Equal(["encoder.layer.5.output.dense", "pooler.dense"], report.Excluded.Select(l => l.Label).Order(StringComparer.Ordinal));
        Assert.Equal(35, report.Quantized.Count);
        var config = ModelConfig.Read(Path.Combine(output, "model.json"));
        Assert.StartsWith("all-MiniLM-L6-v2-int8-fp32x2-", config.Name, StringComparison.Ordinal);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(output, "model.onnx"))).Graph;
        Assert.Equal(2, graph.Node.Count(n => n.OpType is "MatMul" or "Gemm" && graph.Initializer.Any(i => i.Name == n.Input[1])));
    }

    [Fact]
    public void Quantize_ACorruptFile_FailsSayingItIsNotAnOnnxModel()
    {
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllText(path, "this is not a model");

        var ex = Assert.Throws<ModelLoadException>(() => Int8Quantizer.QuantizeFile(path, Path.Combine(_folder, "out.onnx")));

        Assert.Contains("is not an ONNX model", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "out.onnx")));
    }

    [Fact]
    public void Quantize_ATruncatedModel_FailsSayingItIsNotAnOnnxModel()
    {
        var path = Path.Combine(_folder, "model.onnx");
        var bytes = File.ReadAllBytes(EmbeddingModel.Open(null, BundledModel.MiniLM.Key).OnnxPath);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);

        var ex = Assert.Throws<ModelLoadException>(() => Int8Quantizer.QuantizeFile(path, Path.Combine(_folder, "out.onnx")));

        Assert.Contains("is not an ONNX model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_AModelThatIsNotABertEncoder_FailsNamingItsInputs()
    {
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, TinyModel(inputName: "pixels", inputType: TensorProto.Types.DataType.Float).ToByteArray());

        var ex = Assert.Throws<ModelLoadException>(() => Int8Quantizer.QuantizeFile(path, Path.Combine(_folder, "out.onnx")));

        Assert.Contains("not a BERT-style encoder", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pixels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuantizedTinyEncoder_RunsInOnnxRuntime_AndMatchesFp32()
    {
        var source = Path.Combine(_folder, "tiny.onnx");
        var output = Path.Combine(_folder, "tiny-int8.onnx");
        File.WriteAllBytes(source, TinyModel().ToByteArray());

        var report = Int8Quantizer.QuantizeFile(source, output);

        var layer = Assert.Single(report.Quantized);
        Assert.True(layer.BiasFolded);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(output));
        Assert.Contains(graph.OpsetImport, o => o.Domain == Int8Quantizer.MicrosoftDomain);
        Assert.DoesNotContain(graph.Graph.Node, n => n.OpType is "MatMul" or "Add");
        var expected = RunTiny(source);
        var actual = RunTiny(output);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(TensorPrimitives.CosineSimilarity(expected, actual) > 0.999f, $"cosine {TensorPrimitives.CosineSimilarity(expected, actual)}");
    }

    [Fact]
    public void Quantize_AModelWithNothingToQuantize_FailsSayingSo()
    {
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, TinyModel().ToByteArray());

        var ex = Assert.Throws<ModelLoadException>(() => Int8Quantizer.QuantizeFile(path, Path.Combine(_folder, "out.onnx"), new QuantizationOptions { Exclude = ["*"] }));

        Assert.Contains("excluded", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encoder.layer.5.output.dense", "encoder.layer.5.output.dense", true)]
    [InlineData("encoder.layer.5.*", "encoder.layer.5.output.dense", true)]
    [InlineData("*.output.dense", "encoder.layer.5.attention.output.dense", true)]
    [InlineData("*.output.dense", "encoder.layer.5.intermediate.dense", false)]
    [InlineData("encoder.*.query", "encoder.layer.0.attention.self.query", true)]
    [InlineData("encoder.layer.5", "encoder.layer.5.output.dense", false)]
    public void ExclusionPatterns_MatchWholeNamesWithWildcards(string pattern, string label, bool matches) =>
        Assert.Equal(matches, Int8Quantizer.Matches(pattern, label));

    /// <summary>input_ids and attention_mask -> Gather(embeddings [10, 8]) -> MatMul(W [8, 6]) -> Add(bias) -> last_hidden_state.</summary>
    private static ModelProto TinyModel(string inputName = "input_ids", TensorProto.Types.DataType inputType = TensorProto.Types.DataType.Int64)
    {
        var random = new Random(7);
        TensorProto Floats(string name, params int[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.Add(dims.Select(d => (long)d));
            tensor.FloatData.Add(Enumerable.Range(0, dims.Aggregate(1, (a, b) => a * b)).Select(_ => (float)((random.NextDouble() * 2) - 1)));
            return tensor;
        }

        ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(dims.Select(d => d is string p ? new TensorShapeProto.Types.Dimension { DimParam = p } : new TensorShapeProto.Types.Dimension { DimValue = (int)d }));
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
        }

        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Value(inputName, inputType, "batch", "tokens"));
        graph.Input.Add(Value("attention_mask", TensorProto.Types.DataType.Int64, "batch", "tokens"));
        graph.Output.Add(Value("last_hidden_state", TensorProto.Types.DataType.Float, "batch", "tokens", 6));
        graph.Initializer.Add([Floats("embeddings.word_embeddings.weight", 10, 8), Floats("dense.weight", 8, 6), Floats("dense.bias", 6)]);
        NodeProto Node(string op, string name, string[] inputs, string output)
        {
            var node = new NodeProto { OpType = op, Name = name };
            node.Input.Add(inputs);
            node.Output.Add(output);
            return node;
        }

        graph.Node.Add(Node("Gather", "Gather_0", ["embeddings.word_embeddings.weight", inputName], "embedded"));
        graph.Node.Add(Node("MatMul", "MatMul_1", ["embedded", "dense.weight"], "projected"));
        graph.Node.Add(Node("Add", "Add_2", ["dense.bias", "projected"], "last_hidden_state"));
        var model = new ModelProto { IrVersion = 7, ProducerName = "tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model;
    }

    private static float[] RunTiny(string path)
    {
        using var session = new InferenceSession(path);
        long[] ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0];
        using var input = OrtValue.CreateTensorValueFromMemory(ids, [2, 5]);
        using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, 10).ToArray(), [2, 5]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["input_ids"] = input, ["attention_mask"] = mask }, ["last_hidden_state"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
