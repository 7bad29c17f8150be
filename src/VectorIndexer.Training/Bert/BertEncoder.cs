using TorchSharp.Modules;
using VectorIndexer.Embedding;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VectorIndexer.Training.Bert;

/// <summary>
/// A BERT encoder in TorchSharp with the layers of the ONNX graph it is loaded from (embeddings,
/// post-norm transformer layers with exact GELU, then mean or [CLS] pooling and L2 normalisation as
/// the model folder's settings say), so that its forward pass gives the vectors ONNX Runtime gives.
/// Linear weights keep the graph's [in, out] layout, so they go back into the graph unchanged in
/// shape. Dropout (as BERT was pre-trained with) applies in training mode only.
/// </summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    // A large negative added to the scores of padding positions, as the exports do.
    private const float MaskedScore = -10000f;

    private readonly Dictionary<string, Parameter> _weights = new(StringComparer.Ordinal);
    private readonly int _layers;
    private readonly int _hidden;
    private readonly int _heads;
    private readonly double _epsilon;
    private readonly PoolingMode _pooling;
    private readonly bool _normalize;

    /// <summary>Builds the encoder with the weights of <paramref name="graph"/> on <paramref name="device"/>.</summary>
    public BertEncoder(BertGraph graph, ModelConfig config, Device? device = null, double dropout = 0.1)
        : base(nameof(BertEncoder))
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(config);
        _layers = graph.Layers;
        _hidden = graph.Hidden;
        _heads = graph.Heads;
        _epsilon = graph.Epsilon;
        _pooling = config.Pooling;
        _normalize = config.Normalize;
        Dropout = dropout;
        foreach (var name in graph.WeightNames)
        {
            var (values, shape) = graph.Weight(name);
            var parameter = new Parameter(tensor(values, shape, dtype: ScalarType.Float32, device: device));
            _weights[name] = parameter;
            register_parameter(name.Replace('.', '_'), parameter);
        }
    }

    /// <summary>The dropout probability of the hidden states and attention weights in training mode.</summary>
    public double Dropout { get; }

    /// <summary>Every weight by its module name, for writing back into the graph.</summary>
    public IReadOnlyDictionary<string, Parameter> Weights => _weights;

    /// <summary>
    /// Sentence vectors [batch, hidden] of token ids [batch, sequence] (padded) and their
    /// attention mask (1 for tokens, 0 for padding), both int64.
    /// </summary>
    public override Tensor forward(Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var hidden = Hidden(ids, mask);
        Tensor pooled;
        if (_pooling == PoolingMode.Cls)
        {
            pooled = hidden.select(1, 0);
        }
        else
        {
            var weights = mask.unsqueeze(-1).to_type(hidden.dtype);
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1e-9);
        }

        if (_normalize)
        {
            pooled = F.normalize(pooled, p: 2, dim: 1);
        }

        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>The last hidden state [batch, sequence, hidden], as the graph's <c>last_hidden_state</c>.</summary>
    public Tensor Hidden(Tensor ids, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(mask);
        using var scope = NewDisposeScope();
        var batch = ids.shape[0];
        var sequence = ids.shape[1];
        var positions = arange(sequence, dtype: ScalarType.Int64, device: ids.device);
        var x = W("embeddings.word_embeddings.weight").index_select(0, ids.flatten()).view(batch, sequence, _hidden)
            + W("embeddings.position_embeddings.weight").index_select(0, positions).unsqueeze(0)
            + W("embeddings.token_type_embeddings.weight").select(0, 0);
        x = Norm(x, "embeddings.LayerNorm");
        x = F.dropout(x, Dropout, training);

        var additive = (1 - mask.to_type(x.dtype)).view(batch, 1, 1, sequence) * MaskedScore;
        var headSize = _hidden / _heads;
        var scale = 1.0 / Math.Sqrt(headSize);
        for (var layer = 0; layer < _layers; layer++)
        {
            var prefix = $"encoder.layer.{layer}.";
            var q = Heads(Linear(x, prefix + "attention.self.query"), batch, sequence, headSize);
            var k = Heads(Linear(x, prefix + "attention.self.key"), batch, sequence, headSize);
            var v = Heads(Linear(x, prefix + "attention.self.value"), batch, sequence, headSize);
            var scores = q.matmul(k.transpose(-1, -2)) * scale + additive;
            var probabilities = F.dropout(F.softmax(scores, -1), Dropout, training);
            var context = probabilities.matmul(v).transpose(1, 2).reshape(batch, sequence, _hidden);
            var attended = F.dropout(Linear(context, prefix + "attention.output.dense"), Dropout, training);
            x = Norm(attended + x, prefix + "attention.output.LayerNorm");
            var inner = F.gelu(Linear(x, prefix + "intermediate.dense"));
            var output = F.dropout(Linear(inner, prefix + "output.dense"), Dropout, training);
            x = Norm(output + x, prefix + "output.LayerNorm");
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The current weights as floats by module name, in the graph's layout.</summary>
    public Dictionary<string, float[]> ExportWeights()
    {
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, parameter) in _weights)
        {
            using var cpu = parameter.detach().cpu().contiguous();
            weights[name] = cpu.data<float>().ToArray();
        }

        return weights;
    }

    private Parameter W(string name) => _weights[name];

    private Tensor Linear(Tensor x, string name) => x.matmul(W(name + ".weight")) + W(name + ".bias");

    private Tensor Norm(Tensor x, string name) =>
        F.layer_norm(x, [_hidden], W(name + ".weight"), W(name + ".bias"), _epsilon);

    private Tensor Heads(Tensor x, long batch, long sequence, int headSize) =>
        x.view(batch, sequence, _heads, headSize).transpose(1, 2);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var parameter in _weights.Values)
            {
                parameter.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
