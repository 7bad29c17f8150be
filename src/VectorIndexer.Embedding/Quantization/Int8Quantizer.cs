using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Onnx;

namespace VectorIndexer.Embedding.Quantization;

/// <summary>What to leave in fp32.</summary>
public sealed record QuantizationOptions
{
    /// <summary>
    /// Layers kept in fp32, by layer label (<c>encoder.layer.5.output.dense</c>) or node name
    /// (<c>MatMul_632</c>); <c>*</c> matches any run of characters.
    /// </summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];
}

/// <summary>One matrix multiplication with a constant weight, quantized or left as it was.</summary>
/// <param name="Label">The layer's name, from its bias (<c>encoder.layer.0.attention.self.query</c>), else the node name.</param>
/// <param name="NodeName">The node's name in the source graph.</param>
/// <param name="OpType"><c>MatMul</c> or <c>Gemm</c>.</param>
/// <param name="Rows">Input features (K).</param>
/// <param name="Columns">Output features (N), one scale each.</param>
/// <param name="BiasFolded">The bias add that followed it became the quantized node's bias input.</param>
public sealed record QuantizedLayer(string Label, string NodeName, string OpType, int Rows, int Columns, bool BiasFolded);

/// <summary>What a quantization did.</summary>
public sealed record QuantizationReport(
    string SourceSha256,
    string OutputSha256,
    long SourceBytes,
    long OutputBytes,
    IReadOnlyList<QuantizedLayer> Quantized,
    IReadOnlyList<QuantizedLayer> Excluded);

/// <summary>
/// Dynamic int8 quantization of a BERT-style ONNX encoder. Every <c>MatMul</c> and <c>Gemm</c>
/// whose weight is a constant 2-D fp32 initializer becomes one com.microsoft
/// <c>DynamicQuantizeMatMul</c>: the weight is stored as int8 with one scale per output column
/// (symmetric, zero point 0, so no zero-point input), the bias add that follows it becomes the
/// node's bias input, and ONNX Runtime quantizes the activations (uint8, one scale per tensor) at
/// run time. Everything else (embeddings, LayerNorm, the attention score and context products,
/// softmax, pooling) stays fp32. The output is a pure function of the input bytes and the options,
/// so its SHA-256 can be pinned.
/// </summary>
public static class Int8Quantizer
{
    /// <summary>How the weights are quantized, as recorded in model.json.</summary>
    public const string Method = "dynamic-int8: MatMul/Gemm weights int8 per output column, symmetric (zero point 0); activations uint8 per tensor at run time (com.microsoft DynamicQuantizeMatMul)";

    /// <summary>The contrib operator domain of ONNX Runtime.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int Int8Type = (int)TensorProto.Types.DataType.Int8;

    /// <summary>
    /// Quantizes the model in <paramref name="sourcePath"/> into <paramref name="outputPath"/>
    /// (written to a temporary file beside it, then renamed, so readers never see half a file).
    /// </summary>
    /// <exception cref="ModelLoadException">The file is not an ONNX model, or not a BERT-style encoder with a weight to quantize.</exception>
    public static QuantizationReport QuantizeFile(string sourcePath, string outputPath, QuantizationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcePath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var source = File.ReadAllBytes(sourcePath);
        var output = Quantize(source, sourcePath, options ?? new QuantizationOptions(), out var quantized, out var excluded);

        AtomicFile.Replace(outputPath, temporary => File.WriteAllBytes(temporary, output));

        return new QuantizationReport(Sha256(source), Sha256(output), source.LongLength, output.LongLength, quantized, excluded);
    }

    /// <summary>Quantizes a serialized ONNX model; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ModelLoadException">Not an ONNX model, or not a BERT-style encoder with a weight to quantize.</exception>
    public static byte[] Quantize(ReadOnlySpan<byte> model, string sourceName, QuantizationOptions options, out IReadOnlyList<QuantizedLayer> quantized, out IReadOnlyList<QuantizedLayer> excluded)
    {
        ArgumentNullException.ThrowIfNull(options);
        var proto = Parse(model, sourceName);
        CheckEncoder(proto, sourceName);
        (quantized, excluded) = Rewrite(proto.Graph, options);
        if (quantized.Count == 0)
        {
            throw new ModelLoadException(excluded.Count == 0
                ? $"'{sourceName}' has no MatMul or Gemm with a constant fp32 weight; there is nothing to quantize."
                : $"Every quantizable layer of '{sourceName}' is excluded ({excluded.Count}); there is nothing to quantize.");
        }

        if (!proto.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return proto.ToByteArray();
    }

    /// <summary>SHA-256 of <paramref name="bytes"/>, lower-case hex.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static ModelProto Parse(ReadOnlySpan<byte> bytes, string sourceName)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelLoadException($"'{sourceName}' is not an ONNX model (it does not parse as one: {ex.Message}).", ex);
        }

        if (proto.Graph is null || proto.Graph.Node.Count == 0 || proto.OpsetImport.Count == 0)
        {
            throw new ModelLoadException($"'{sourceName}' is not an ONNX model (it has no graph or no operator set).");
        }

        return proto;
    }

    /// <summary>The inputs <see cref="OnnxEmbedder"/> needs: int64 input_ids, and attention_mask.</summary>
    private static void CheckEncoder(ModelProto proto, string sourceName)
    {
        var initializers = proto.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = proto.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        bool Has(string name) => inputs.Any(i => i.Name.Contains(name, StringComparison.OrdinalIgnoreCase)
            && i.Type?.TensorType?.ElemType == (int)TensorProto.Types.DataType.Int64);
        if (!Has("input_ids") || !Has("attention_mask"))
        {
            throw new ModelLoadException($"'{sourceName}' is not a BERT-style encoder: its inputs are [{string.Join(", ", inputs.Select(i => i.Name))}], expected int64 input_ids and attention_mask (and optionally token_type_ids).");
        }

        foreach (var tensor in proto.Graph.Initializer)
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                throw new ModelLoadException($"'{sourceName}' keeps its weights in external data files ('{tensor.Name}'); only self-contained models (under 2 GB) can be quantized.");
            }
        }
    }

    private static (List<QuantizedLayer> Quantized, List<QuantizedLayer> Excluded) Rewrite(GraphProto graph, QuantizationOptions options)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var consumers = graph.Node
            .SelectMany(n => n.Input.Where(i => i.Length > 0).Distinct().Select(i => (Input: i, Node: n)))
            .ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);

        var quantized = new List<QuantizedLayer>();
        var excluded = new List<QuantizedLayer>();
        var weights = new Dictionary<string, (string Values, string Scales)>(StringComparer.Ordinal);
        var removedNodes = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var removedValues = new HashSet<string>(StringComparer.Ordinal);
        var replacedWeights = new HashSet<string>(StringComparer.Ordinal);
        var nodes = graph.Node.ToList();
        for (var index = 0; index < nodes.Count; index++)
        {
            var node = nodes[index];
            if (removedNodes.Contains(node) || !TryMatch(node, initializers, out var weight, out var transposed, out var gemmBias))
            {
                continue;
            }

            var (rows, columns) = transposed ? ((int)weight.Dims[1], (int)weight.Dims[0]) : ((int)weight.Dims[0], (int)weight.Dims[1]);
            var bias = gemmBias;
            NodeProto? biasAdd = null;
            if (node.OpType == "MatMul" && !graphOutputs.Contains(node.Output[0]) && consumers[node.Output[0]].ToList() is [{ OpType: "Add" } add]
                && add.Input.Count == 2 && add.Input.FirstOrDefault(i => i != node.Output[0]) is { } other
                && initializers.TryGetValue(other, out var candidate) && IsVector(candidate, columns))
            {
                biasAdd = add;
                bias = candidate;
            }

            var layer = new QuantizedLayer(Label(node, bias, weight), node.Name, node.OpType, rows, columns, biasAdd is not null);
            if (options.Exclude.Any(pattern => Matches(pattern, layer.Label) || Matches(pattern, layer.NodeName)))
            {
                excluded.Add(layer with { BiasFolded = false });
                continue;
            }

            var key = weight.Name + (transposed ? "|T" : string.Empty);
            if (!weights.TryGetValue(key, out var stored))
            {
                var (values, scales) = QuantizeColumns(ReadFloats(weight), rows, columns, transposed);
                stored = (Unique(initializers, weight.Name + "_int8"), Unique(initializers, weight.Name + "_scale"));
                var valuesTensor = new TensorProto { Name = stored.Values, DataType = Int8Type, RawData = ByteString.CopyFrom(values) };
                valuesTensor.Dims.Add([rows, columns]);
                var scalesTensor = new TensorProto { Name = stored.Scales, DataType = FloatType, RawData = ByteString.CopyFrom(FloatBytes(scales)) };
                scalesTensor.Dims.Add(columns);
                graph.Initializer.Add(valuesTensor);
                graph.Initializer.Add(scalesTensor);
                initializers[stored.Values] = valuesTensor;
                initializers[stored.Scales] = scalesTensor;
                weights[key] = stored;
            }

            var output = biasAdd?.Output[0] ?? node.Output[0];
            var replacement = new NodeProto
            {
                Name = string.IsNullOrEmpty(node.Name) ? $"DynamicQuantizeMatMul_{index}" : node.Name + "_int8",
                OpType = "DynamicQuantizeMatMul",
                Domain = MicrosoftDomain,
            };
            replacement.Input.Add([node.Input[0], stored.Values, stored.Scales]);
            if (bias is not null)
            {
                replacement.Input.Add([string.Empty, bias.Name]);
            }

            replacement.Output.Add(output);
            graph.Node[graph.Node.IndexOf(node)] = replacement;
            if (biasAdd is not null)
            {
                graph.Node.Remove(biasAdd);
                removedNodes.Add(biasAdd);
                removedValues.Add(node.Output[0]);
            }

            replacedWeights.Add(weight.Name);
            quantized.Add(layer);
        }

        RemoveUnused(graph, replacedWeights, removedValues);
        return (quantized, excluded);
    }

    /// <summary>A MatMul with a constant 2-D fp32 right operand, or a plain Gemm (alpha = beta = 1, A not transposed) with one.</summary>
    private static bool TryMatch(NodeProto node, Dictionary<string, TensorProto> initializers, out TensorProto weight, out bool transposed, out TensorProto? bias)
    {
        weight = null!;
        transposed = false;
        bias = null;
        if (!string.IsNullOrEmpty(node.Domain) || node.Input.Count < 2 || node.Output.Count != 1
            || !initializers.TryGetValue(node.Input[1], out var b) || b.DataType != FloatType || b.Dims.Count != 2)
        {
            return false;
        }

        if (node.OpType == "MatMul" && node.Input.Count == 2)
        {
            weight = b;
            return true;
        }

        if (node.OpType != "Gemm" || Attribute(node, "alpha", 1f) != 1f || Attribute(node, "transA", 0) != 0)
        {
            return false;
        }

        transposed = Attribute(node, "transB", 0) != 0;
        var columns = (int)(transposed ? b.Dims[0] : b.Dims[1]);
        if (node.Input.Count > 2 && node.Input[2].Length > 0)
        {
            if (Attribute(node, "beta", 1f) != 1f || !initializers.TryGetValue(node.Input[2], out var c) || !IsVector(c, columns))
            {
                return false;
            }

            bias = c;
        }

        weight = b;
        return true;
    }

    /// <summary>
    /// Per output column: scale = max |w| / 127, q = round(w / scale) (to even) in [-127, 127].
    /// Scalar arithmetic only, so every machine writes the same bytes.
    /// </summary>
    private static (byte[] Values, float[] Scales) QuantizeColumns(float[] source, int rows, int columns, bool transposed)
    {
        // transposed: the source is [columns, rows] (Gemm transB); the output is always [rows, columns].
        float At(int row, int column) => transposed ? source[(column * rows) + row] : source[(row * columns) + column];
        var scales = new float[columns];
        var values = new byte[rows * columns];
        for (var column = 0; column < columns; column++)
        {
            var max = 0f;
            for (var row = 0; row < rows; row++)
            {
                var value = At(row, column);
                if (!float.IsFinite(value))
                {
                    throw new ModelLoadException($"A weight holds a value that is not finite ({value.ToString(CultureInfo.InvariantCulture)}); the model is corrupt.");
                }

                max = Math.Max(max, Math.Abs(value));
            }

            var scale = max > 0 ? max / 127f : 1f;
            scales[column] = scale;
            for (var row = 0; row < rows; row++)
            {
                var q = Math.Clamp(MathF.Round(At(row, column) / scale, MidpointRounding.ToEven), -127f, 127f);
                values[(row * columns) + column] = unchecked((byte)(sbyte)q);
            }
        }

        return (values, scales);
    }

    private static float[] ReadFloats(TensorProto tensor)
    {
        var count = checked((int)(tensor.Dims[0] * tensor.Dims[1]));
        if (tensor.FloatData.Count == count)
        {
            return [.. tensor.FloatData];
        }

        var raw = tensor.RawData.Span;
        if (raw.Length != count * sizeof(float))
        {
            throw new ModelLoadException($"The weight '{tensor.Name}' holds {raw.Length} bytes, not the {count * sizeof(float)} its shape needs; the model is corrupt.");
        }

        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        }

        return values;
    }

    private static byte[] FloatBytes(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }

    private static bool IsVector(TensorProto tensor, int length) =>
        tensor.DataType == FloatType && tensor.Dims.Count == 1 && tensor.Dims[0] == length;

    private static string Label(NodeProto node, TensorProto? bias, TensorProto weight)
    {
        if (bias is not null && bias.Name.EndsWith(".bias", StringComparison.Ordinal))
        {
            return bias.Name[..^".bias".Length];
        }

        if (weight.Name.EndsWith(".weight", StringComparison.Ordinal))
        {
            return weight.Name[..^".weight".Length];
        }

        return string.IsNullOrEmpty(node.Name) ? weight.Name : node.Name;
    }

    /// <summary>Whether an exclusion pattern matches a layer label or node name: ordinal, <c>*</c> matches any run of characters.</summary>
    public static bool Matches(string pattern, string value)
    {
        var parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return string.Equals(pattern, value, StringComparison.Ordinal);
        }

        if (!value.StartsWith(parts[0], StringComparison.Ordinal) || !value.EndsWith(parts[^1], StringComparison.Ordinal)
            || value.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var position = parts[0].Length;
        var end = value.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = value.IndexOf(parts[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return true;
    }

    private static T Attribute<T>(NodeProto node, string name, T fallback)
    {
        var attribute = node.Attribute.FirstOrDefault(a => a.Name == name);
        if (attribute is null)
        {
            return fallback;
        }

        object value = typeof(T) == typeof(float) ? attribute.F : attribute.I;
        return (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    private static string Unique(Dictionary<string, TensorProto> initializers, string name)
    {
        var candidate = name;
        for (var i = 2; initializers.ContainsKey(candidate); i++)
        {
            candidate = name + "_" + i.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>Drops the fp32 weights no node reads any more, and the shape hints of the values removed.</summary>
    private static void RemoveUnused(GraphProto graph, HashSet<string> replacedWeights, HashSet<string> removedValues)
    {
        var read = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unused = replacedWeights.Where(w => !read.Contains(w)).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer.Where(t => unused.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(tensor);
        }

        foreach (var input in graph.Input.Where(i => unused.Contains(i.Name)).ToList())
        {
            graph.Input.Remove(input);
        }

        foreach (var info in graph.ValueInfo.Where(v => removedValues.Contains(v.Name) || unused.Contains(v.Name)).ToList())
        {
            graph.ValueInfo.Remove(info);
        }
    }
}
