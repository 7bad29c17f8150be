using System.Text;

namespace VectorIndexer.Core.Lexical;

/// <summary>
/// Turns products and queries into <see cref="LexicalVector"/>s with the BM25F weighting of
/// <see cref="LexicalOptions"/>. The document side carries term frequency, saturation and length
/// normalisation; IDF is left to the index (Qdrant's IDF modifier, or the embedded index's own
/// document frequencies), so the vector of a product depends on nothing but the product and the
/// settings. Thread-safe.
/// </summary>
public sealed class LexicalEncoder
{
    private readonly LexicalOptions _options;
    private readonly (ProductTextField Field, double Weight, double AverageLength)[] _fields;
    private readonly (ProductTextField Field, double Weight, double AverageLength)[] _nameFields;

    public LexicalEncoder(LexicalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options.Clone();
        Analyzer = new LexicalAnalyzer(options.Stemming, options.StopWords);
        _fields = [.. _options.Fields.Where(f => f.Options.Weight > 0).Select(f => (f.Field, f.Options.Weight, f.Options.AverageLength))];
        var names = _options.EffectiveNameFields;
        _nameFields = [.. names.Select(n => _fields.FirstOrDefault(f => f.Field == n)).Where(f => f.Weight > 0)];
    }

    public LexicalEncoder()
        : this(new LexicalOptions())
    {
    }

    /// <summary>A copy of the settings in use.</summary>
    public LexicalOptions Options => _options.Clone();

    public LexicalAnalyzer Analyzer { get; }

    /// <summary>The term's index in every lexical vector: FNV-1a (32 bits) of its UTF-8 bytes.</summary>
    public static uint TermId(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        Span<byte> buffer = stackalloc byte[LexicalAnalyzer.MaxTermLength * 4];
        var length = Encoding.UTF8.GetBytes(term.AsSpan(0, Math.Min(term.Length, LexicalAnalyzer.MaxTermLength)), buffer);
        var hash = 2166136261u;
        foreach (var b in buffer[..length])
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash;
    }

    /// <summary>The product's BM25F document vectors (each empty when none of its fields has a term).</summary>
    public LexicalDocument EncodeDocument(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var full = new Dictionary<uint, double>();
        var name = new Dictionary<uint, double>();
        var terms = new List<string>();
        var k1 = _options.K1;
        var b = _options.B;
        foreach (var (field, weight, averageLength) in _fields)
        {
            terms.Clear();
            AnalyzeField(product, field, terms);
            if (terms.Count == 0)
            {
                continue;
            }

            var inName = Array.Exists(_nameFields, f => f.Field == field);
            var scale = weight / (1 - b + (b * terms.Count / averageLength));
            foreach (var term in terms)
            {
                var id = TermId(term);
                full[id] = full.GetValueOrDefault(id) + scale;
                if (inName)
                {
                    name[id] = name.GetValueOrDefault(id) + scale;
                }
            }
        }

        Func<double, double> saturate = tf => tf * (k1 + 1) / (tf + k1);
        return new LexicalDocument(ToVector(full, saturate), ToVector(name, saturate));
    }

    /// <summary>The query's vector: each distinct term with the number of times it occurs.</summary>
    public LexicalVector EncodeQuery(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new Dictionary<uint, double>();
        foreach (var term in Analyzer.Analyze(text))
        {
            var id = TermId(term);
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        return ToVector(counts, count => count);
    }

    /// <summary>The BM25 IDF of a term found in <paramref name="documentFrequency"/> of <paramref name="documents"/> documents (Qdrant's formula).</summary>
    public static double Idf(long documents, long documentFrequency) =>
        Math.Log(1 + ((documents - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    private void AnalyzeField(Product product, ProductTextField field, List<string> terms)
    {
        switch (field)
        {
            case ProductTextField.Title:
                Analyzer.Analyze(product.Title, terms);
                break;
            case ProductTextField.Brand:
                Analyzer.Analyze(product.Brand, terms);
                break;
            case ProductTextField.Color:
                Analyzer.Analyze(product.Color, terms);
                break;
            case ProductTextField.Category:
                foreach (var level in product.Category)
                {
                    Analyzer.Analyze(level, terms);
                }

                break;
            case ProductTextField.Attributes:
                foreach (var value in product.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value))
                {
                    Analyzer.Analyze(value, terms);
                }

                break;
            case ProductTextField.Bullets:
                foreach (var bullet in product.Bullets)
                {
                    Analyzer.Analyze(bullet, terms);
                }

                break;
            case ProductTextField.Description:
                Analyzer.Analyze(product.Description, terms);
                break;
            default:
                throw new InvalidOperationException($"Unknown product field '{field}'.");
        }
    }

    private static LexicalVector ToVector(Dictionary<uint, double> weights, Func<double, double> value)
    {
        if (weights.Count == 0)
        {
            return LexicalVector.Empty;
        }

        var indices = weights.Keys.ToArray();
        Array.Sort(indices);
        var values = new float[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            values[i] = (float)value(weights[indices[i]]);
        }

        return new LexicalVector(indices, values);
    }
}
