using Google.Protobuf;
using Onnx;

namespace VectorIndexer.Training.Bert;

/// <summary>
/// The weights of a BERT encoder as an ONNX export holds them, under the names of the Hugging Face
/// module (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.3.attention.self.query.weight</c>, …),
/// plus the shape the graph implies: layers, hidden size, heads, layer-norm epsilon.
/// Exporters keep the embeddings, biases and layer norms under those names but store each linear
/// weight as an anonymous MatMul initializer in [in, out] layout; a linear's weight is found as
/// the MatMul initializer whose product the graph adds to that linear's named bias.
/// <see cref="WriteModel"/> writes changed weights back into a copy of the same graph.
/// </summary>
public sealed class BertGraph
{
    private static readonly string[] LayerLinears =
    [
        "attention.self.query", "attention.self.key", "attention.self.value",
        "attention.output.dense", "intermediate.dense", "output.dense",
    ];

    private static readonly string[] LayerNorms = ["attention.output.LayerNorm", "output.LayerNorm"];

    private readonly ModelProto _model;
    private readonly Dictionary<string, TensorProto> _initializers;

    // Module name -> initializer name in the graph.
    private readonly Dictionary<string, string> _names;

    private BertGraph(ModelProto model, Dictionary<string, string> names, int layers, int hidden, int heads, int intermediate, int vocabulary, int positions, float epsilon)
    {
        _model = model;
        _initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _names = names;
        Layers = layers;
        Hidden = hidden;
        Heads = heads;
        Intermediate = intermediate;
        Vocabulary = vocabulary;
        Positions = positions;
        Epsilon = epsilon;
    }

    /// <summary>Transformer layers (6 for MiniLM-L6 and arctic-embed-xs).</summary>
    public int Layers { get; }

    /// <summary>Hidden size, the dimension of the token vectors and of the sentence vector.</summary>
    public int Hidden { get; }

    /// <summary>Attention heads per layer.</summary>
    public int Heads { get; }

    /// <summary>Width of the feed-forward layer.</summary>
    public int Intermediate { get; }

    /// <summary>Rows of the word-embedding table.</summary>
    public int Vocabulary { get; }

    /// <summary>Rows of the position-embedding table: the longest input the model takes.</summary>
    public int Positions { get; }

    /// <summary>The epsilon of the layer norms, read from the graph.</summary>
    public float Epsilon { get; }

    /// <summary>Every weight's module name, in a fixed order.</summary>
    public IReadOnlyCollection<string> WeightNames => _names.Keys;

    /// <summary>Reads <paramref name="onnxPath"/>; fails with <see cref="InvalidDataException"/> naming what is missing when it is not a BERT encoder.</summary>
    public static BertGraph Read(string onnxPath)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(onnxPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"'{onnxPath}' is not an ONNX model: {ex.Message}", ex);
        }

        return FromModel(model, onnxPath);
    }

    private static BertGraph FromModel(ModelProto model, string source)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        void Named(string name)
        {
            if (!initializers.ContainsKey(name))
            {
                throw new InvalidDataException($"'{source}' is not a BERT encoder this trainer reads: it has no initializer '{name}'.");
            }

            names[name] = name;
        }

        Named("embeddings.word_embeddings.weight");
        Named("embeddings.position_embeddings.weight");
        Named("embeddings.token_type_embeddings.weight");
        Named("embeddings.LayerNorm.weight");
        Named("embeddings.LayerNorm.bias");
        var layers = 0;
        while (initializers.ContainsKey($"encoder.layer.{layers}.attention.self.query.bias"))
        {
            layers++;
        }

        if (layers == 0)
        {
            throw new InvalidDataException($"'{source}' is not a BERT encoder this trainer reads: it has no 'encoder.layer.0.attention.self.query.bias'.");
        }

        for (var layer = 0; layer < layers; layer++)
        {
            foreach (var linear in LayerLinears)
            {
                var bias = $"encoder.layer.{layer}.{linear}.bias";
                Named(bias);
                names[$"encoder.layer.{layer}.{linear}.weight"] = LinearWeight(graph, initializers, producers, bias, source);
            }

            foreach (var norm in LayerNorms)
            {
                Named($"encoder.layer.{layer}.{norm}.weight");
                Named($"encoder.layer.{layer}.{norm}.bias");
            }
        }

        var word = initializers["embeddings.word_embeddings.weight"];
        var hidden = checked((int)word.Dims[1]);
        var intermediate = checked((int)initializers["encoder.layer.0.intermediate.dense.bias"].Dims[0]);
        var positions = checked((int)initializers["embeddings.position_embeddings.weight"].Dims[0]);
        var heads = HeadCount(graph, initializers, producers, hidden, source);
        var epsilon = LayerNormEpsilon(graph, initializers, producers, source);
        return new BertGraph(model, names, layers, hidden, heads, intermediate, checked((int)word.Dims[0]), positions, epsilon);
    }

    /// <summary>The weight of module <paramref name="name"/> as floats, with its shape ([in, out] for linears).</summary>
    public (float[] Values, long[] Shape) Weight(string name)
    {
        var tensor = _initializers[_names[name]];
        return (Floats(tensor), [.. tensor.Dims]);
    }

    /// <summary>
    /// Writes a copy of the graph to <paramref name="onnxPath"/> with the weights
    /// <paramref name="weights"/> gives (by module name, same shapes) in place of the originals;
    /// weights it does not name keep their values.
    /// </summary>
    public void WriteModel(string onnxPath, IReadOnlyDictionary<string, float[]> weights)
    {
        var copy = _model.Clone();
        var byName = copy.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, values) in weights)
        {
            if (!_names.TryGetValue(name, out var initializerName))
            {
                throw new ArgumentException($"'{name}' is not a weight of this model.", nameof(weights));
            }

            var tensor = byName[initializerName];
            var expected = tensor.Dims.Aggregate(1L, (a, b) => a * b);
            if (values.Length != expected)
            {
                throw new ArgumentException($"'{name}' has {expected} values in the model, not {values.Length}.", nameof(weights));
            }

            var bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            tensor.FloatData.Clear();
            tensor.RawData = ByteString.CopyFrom(bytes);
        }

        using var stream = File.Create(onnxPath);
        copy.WriteTo(stream);
    }

    private static string LinearWeight(GraphProto graph, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers, string bias, string source)
    {
        foreach (var node in graph.Node)
        {
            if (node.OpType != "Add" || node.Input.Count != 2 || !node.Input.Contains(bias))
            {
                continue;
            }

            var other = node.Input[0] == bias ? node.Input[1] : node.Input[0];
            if (producers.TryGetValue(other, out var product) && product.OpType == "MatMul" && initializers.ContainsKey(product.Input[1]))
            {
                return product.Input[1];
            }
        }

        throw new InvalidDataException($"'{source}': no MatMul weight is added to '{bias}'; this trainer reads BERT exports whose linears are MatMul + Add.");
    }

    private static int HeadCount(GraphProto graph, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers, int hidden, string source)
    {
        // The key projection is reshaped to [batch, sequence, heads, head size] before the transpose.
        var keyBias = "encoder.layer.0.attention.self.key.bias";
        var keyAdd = graph.Node.First(n => n.OpType == "Add" && n.Input.Contains(keyBias));
        var reshape = graph.Node.FirstOrDefault(n => n.OpType == "Reshape" && n.Input[0] == keyAdd.Output[0]);
        if (reshape is not null)
        {
            var dims = ConstantInts(reshape.Input[1], initializers, producers);
            if (dims is null && producers.TryGetValue(reshape.Input[1], out var concat) && concat.OpType == "Concat")
            {
                dims = concat.Input.Select(i => ConstantInts(i, initializers, producers)).Where(v => v is { Length: 1 }).Select(v => v![0]).ToArray();
            }

            if (dims is { Length: >= 2 } && dims[^2] > 0 && dims[^2] * dims[^1] == hidden)
            {
                return checked((int)dims[^2]);
            }
        }

        throw new InvalidDataException($"'{source}': the attention head count could not be read from the graph.");
    }

    private static float LayerNormEpsilon(GraphProto graph, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers, string source)
    {
        // Exported layer norm: (x - mean) / Sqrt(ReduceMean((x - mean)^2) + epsilon) * weight + bias.
        var scale = graph.Node.FirstOrDefault(n => n.OpType == "Mul" && n.Input.Contains("embeddings.LayerNorm.weight"));
        if (scale is not null
            && producers.TryGetValue(scale.Input[0] == "embeddings.LayerNorm.weight" ? scale.Input[1] : scale.Input[0], out var div) && div.OpType == "Div"
            && producers.TryGetValue(div.Input[1], out var sqrt) && sqrt.OpType == "Sqrt"
            && producers.TryGetValue(sqrt.Input[0], out var add) && add.OpType == "Add")
        {
            foreach (var input in add.Input)
            {
                if (ConstantFloat(input, initializers, producers) is { } epsilon)
                {
                    return epsilon;
                }
            }
        }

        if (graph.Node.FirstOrDefault(n => n.OpType == "LayerNormalization") is { } fused
            && fused.Attribute.FirstOrDefault(a => a.Name == "epsilon") is { } attribute)
        {
            return attribute.F;
        }

        throw new InvalidDataException($"'{source}': the layer-norm epsilon could not be read from the graph.");
    }

    private static TensorProto? ConstantTensor(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers)
    {
        if (initializers.TryGetValue(name, out var tensor))
        {
            return tensor;
        }

        return producers.TryGetValue(name, out var node) && node.OpType == "Constant"
            ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T
            : null;
    }

    private static long[]? ConstantInts(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers)
    {
        var tensor = ConstantTensor(name, initializers, producers);
        if (tensor is null || tensor.DataType != (int)TensorProto.Types.DataType.Int64)
        {
            return null;
        }

        if (tensor.Int64Data.Count > 0)
        {
            return [.. tensor.Int64Data];
        }

        var raw = tensor.RawData.Span;
        var values = new long[raw.Length / sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToInt64(raw.Slice(i * sizeof(long), sizeof(long)));
        }

        return values;
    }

    private static float? ConstantFloat(string name, Dictionary<string, TensorProto> initializers, Dictionary<string, NodeProto> producers)
    {
        var tensor = ConstantTensor(name, initializers, producers);
        if (tensor is null || tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            return null;
        }

        var values = Floats(tensor);
        return values.Length == 1 ? values[0] : null;
    }

    private static float[] Floats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"Initializer '{tensor.Name}' is not float32 (data type {tensor.DataType}); fine-tune the float model, not a quantized copy.");
        }

        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        var values = new float[tensor.RawData.Length / sizeof(float)];
        Buffer.BlockCopy(tensor.RawData.ToByteArray(), 0, values, 0, values.Length * sizeof(float));
        return values;
    }
}
