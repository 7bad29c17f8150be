using VectorIndexer.Embedding;
using VectorIndexer.Training.Bert;

namespace VectorIndexer.Training;

/// <summary>
/// Weight averaging of models fine-tuned from one base (a "model soup"; with the base itself among
/// them, an interpolation back towards it). Every weight is the weighted mean of that weight in
/// each model, so the result is one model of the same shape and cost; it helps where the models
/// lie in one basin, which holds for runs that start from the same base.
/// </summary>
public static class ModelAveraging
{
    /// <summary>
    /// Throws <see cref="InvalidDataException"/> unless the models can be averaged into one that
    /// serves as each of them does: the same vocabulary file, casing, pooling, normalisation and
    /// query and document prefixes.
    /// </summary>
    public static void RequireCompatible(IReadOnlyList<EmbeddingModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count < 2)
        {
            throw new ArgumentException("Averaging needs at least two models.", nameof(models));
        }

        var first = models[0];
        var vocabulary = File.ReadAllBytes(first.VocabPath);
        foreach (var other in models.Skip(1))
        {
            var (a, b) = (first.Config, other.Config);
            if (a.LowerCase != b.LowerCase || a.Pooling != b.Pooling || a.Normalize != b.Normalize || a.QueryPrefix != b.QueryPrefix || a.DocumentPrefix != b.DocumentPrefix)
            {
                throw new InvalidDataException($"'{other.Name}' is not served as '{first.Name}' is (casing, pooling, normalisation or prefixes differ): only models fine-tuned from one base can be averaged.");
            }

            if (!File.ReadAllBytes(other.VocabPath).AsSpan().SequenceEqual(vocabulary))
            {
                throw new InvalidDataException($"'{other.Name}' has another vocabulary than '{first.Name}': only models fine-tuned from one base can be averaged.");
            }
        }
    }

    /// <summary>
    /// The weighted mean of every weight of <paramref name="graphs"/>, by module name; the weights
    /// are normalised to sum to 1. Fails with <see cref="InvalidDataException"/> naming the first
    /// weight whose name or shape differs between the models.
    /// </summary>
    public static Dictionary<string, float[]> Average(IReadOnlyList<BertGraph> graphs, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        ArgumentNullException.ThrowIfNull(weights);
        if (graphs.Count < 2)
        {
            throw new ArgumentException("Averaging needs at least two models.", nameof(graphs));
        }

        if (weights.Count != graphs.Count || weights.Any(w => !double.IsFinite(w) || w < 0) || weights.Sum() <= 0)
        {
            throw new ArgumentException($"Give one weight of 0 or more per model ({graphs.Count}), not all 0.", nameof(weights));
        }

        var names = graphs[0].WeightNames;
        for (var m = 1; m < graphs.Count; m++)
        {
            if (!graphs[m].WeightNames.ToHashSet(StringComparer.Ordinal).SetEquals(names))
            {
                throw new InvalidDataException($"Model {m + 1} has other weights than model 1: only models of one architecture can be averaged.");
            }
        }

        var total = weights.Sum();
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var (first, shape) = graphs[0].Weight(name);
            var sum = new double[first.Length];
            for (var m = 0; m < graphs.Count; m++)
            {
                var (values, otherShape) = m == 0 ? (first, shape) : graphs[m].Weight(name);
                if (!otherShape.AsSpan().SequenceEqual(shape))
                {
                    throw new InvalidDataException($"Weight '{name}' is [{string.Join(", ", otherShape)}] in model {m + 1} and [{string.Join(", ", shape)}] in model 1: only models of one architecture can be averaged.");
                }

                var share = weights[m] / total;
                for (var i = 0; i < values.Length; i++)
                {
                    sum[i] += share * values[i];
                }
            }

            result[name] = Array.ConvertAll(sum, v => (float)v);
        }

        return result;
    }
}
