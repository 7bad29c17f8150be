using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace VectorIndexer.Core.Lexical;

/// <summary>How one product field counts in lexical (BM25F) scoring.</summary>
public sealed class LexicalFieldOptions
{
    /// <summary>How much a term occurrence in this field counts; 0 leaves the field out of the lexical index.</summary>
    [Range(0.0, 100.0)]
    public double Weight { get; set; } = 1;

    /// <summary>The field's typical length in terms, the yardstick of its length normalisation.</summary>
    [Range(1.0, 1_000_000.0)]
    public double AverageLength { get; set; } = 100;

    public override string ToString() => FormattableString.Invariant($"weight {Weight}, average length {AverageLength}");
}

/// <summary>
/// Lexical retrieval settings of an index (section <c>Index:&lt;provider&gt;:Lexical</c>): the analyzer
/// and the BM25F parameters that turn a product into a sparse vector. A generation records the
/// settings it was built with and keeps using them, so a changed setting takes effect with the next
/// full reindex.
/// </summary>
/// <remarks>
/// A product's weight for term t is BM25F's: tf̃ = Σ_f weight_f · tf_f(t) / (1 − b + b · len_f / averageLength_f),
/// value = tf̃ · (k1 + 1) / (tf̃ + k1). The index multiplies it by the term's IDF,
/// ln(1 + (N − df + 0.5) / (df + 0.5)), computed over the generation at query time.
/// </remarks>
public sealed class LexicalOptions
{
    /// <summary>Whether plural endings are removed (<see cref="LightStemmer"/>).</summary>
    public bool Stemming { get; set; } = true;

    /// <summary>
    /// Whether English function words (<see cref="LexicalAnalyzer.StopWords"/>) are left out of products and queries:
    /// on by default, measured with the default model (docs/benchmarks.md, "Model and lexical defaults").
    /// </summary>
    public bool StopWords { get; set; } = true;

    /// <summary>BM25's term-frequency saturation.</summary>
    [Range(0.01, 100.0)]
    public double K1 { get; set; } = 1.2;

    /// <summary>BM25's length normalisation: 0 none, 1 full.</summary>
    [Range(0.0, 1.0)]
    public double B { get; set; } = 0.75;

    public LexicalFieldOptions Title { get; set; } = new() { Weight = 3, AverageLength = 20 };

    public LexicalFieldOptions Brand { get; set; } = new() { Weight = 2, AverageLength = 2 };

    public LexicalFieldOptions Color { get; set; } = new() { Weight = 1, AverageLength = 2 };

    /// <summary>All levels of the category path.</summary>
    public LexicalFieldOptions Category { get; set; } = new() { Weight = 1, AverageLength = 6 };

    /// <summary>Attribute values (names are left out).</summary>
    public LexicalFieldOptions Attributes { get; set; } = new() { Weight = 1, AverageLength = 10 };

    public LexicalFieldOptions Bullets { get; set; } = new() { Weight = 1, AverageLength = 120 };

    public LexicalFieldOptions Description { get; set; } = new() { Weight = 1, AverageLength = 120 };

    /// <summary>The fields used when <see cref="NameFields"/> is not set.</summary>
    public static IReadOnlyList<ProductTextField> DefaultNameFields { get; } = [ProductTextField.Title, ProductTextField.Brand];

    /// <summary>
    /// Fields of the second, short lexical vector (the product's "name"), searched as its own list in
    /// hybrid mode (<see cref="Indexing.FusionSettings.NameWeight"/>); empty means <see cref="DefaultNameFields"/>.
    /// Each field keeps its weight and average length. (No default items here: the configuration
    /// binder appends to a list that already has some.)
    /// </summary>
    public IList<ProductTextField> NameFields { get; set; } = [];

    /// <summary>The fields of the name vector actually used.</summary>
    [JsonIgnore]
    public IReadOnlyList<ProductTextField> EffectiveNameFields => NameFields.Count > 0 ? [.. NameFields.Distinct()] : DefaultNameFields;

    /// <summary>The fields with their settings, in a fixed order.</summary>
    [JsonIgnore]
    public IEnumerable<(ProductTextField Field, LexicalFieldOptions Options)> Fields =>
    [
        (ProductTextField.Title, Title),
        (ProductTextField.Brand, Brand),
        (ProductTextField.Color, Color),
        (ProductTextField.Category, Category),
        (ProductTextField.Attributes, Attributes),
        (ProductTextField.Bullets, Bullets),
        (ProductTextField.Description, Description),
    ];

    /// <summary>What is wrong with these settings, one message per problem, naming the setting under <paramref name="section"/>.</summary>
    public IReadOnlyList<string> Validate(string section = "Lexical")
    {
        var errors = new List<string>();
        if (!(K1 is >= 0.01 and <= 100))
        {
            errors.Add($"{section}:K1 must be between 0.01 and 100 (is {K1}).");
        }

        if (!(B is >= 0 and <= 1))
        {
            errors.Add($"{section}:B must be between 0 and 1 (is {B}).");
        }

        foreach (var (field, options) in Fields)
        {
            if (options is null)
            {
                errors.Add($"{section}:{field} is missing.");
                continue;
            }

            if (!(options.Weight is >= 0 and <= 100))
            {
                errors.Add($"{section}:{field}:Weight must be between 0 and 100 (is {options.Weight}).");
            }

            if (!(options.AverageLength is >= 1 and <= 1_000_000))
            {
                errors.Add($"{section}:{field}:AverageLength must be between 1 and 1000000 (is {options.AverageLength}).");
            }
        }

        if (errors.Count == 0 && Fields.All(f => f.Options.Weight == 0))
        {
            errors.Add($"{section}: every field has weight 0, so nothing could be found lexically.");
        }

        if (NameFields is null || NameFields.Any(f => !Enum.IsDefined(f)))
        {
            errors.Add($"{section}:NameFields names an unknown field (fields: {string.Join(", ", Enum.GetNames<ProductTextField>())}).");
        }
        else if (errors.Count == 0 && EffectiveNameFields.All(n => Fields.First(f => f.Field == n).Options.Weight == 0))
        {
            errors.Add($"{section}:NameFields: every name field has weight 0.");
        }

        return errors;
    }

    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void ThrowIfInvalid(string section = "Lexical")
    {
        var errors = Validate(section);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }
    }

    /// <summary>A deep copy (options objects are mutable for the configuration binder).</summary>
    public LexicalOptions Clone() => new()
    {
        Stemming = Stemming,
        StopWords = StopWords,
        K1 = K1,
        B = B,
        Title = Copy(Title),
        Brand = Copy(Brand),
        Color = Copy(Color),
        Category = Copy(Category),
        Attributes = Copy(Attributes),
        Bullets = Copy(Bullets),
        Description = Copy(Description),
        NameFields = [.. NameFields],
    };

    public override string ToString() =>
        FormattableString.Invariant($"stemming {Stemming}, stop words {(StopWords ? "removed" : "kept")}, k1 {K1}, b {B}; ") + string.Join("; ", Fields.Select(f => $"{f.Field}: {f.Options}"))
        + $"; name fields {string.Join("+", EffectiveNameFields)}";

    private static LexicalFieldOptions Copy(LexicalFieldOptions field) => new() { Weight = field.Weight, AverageLength = field.AverageLength };
}
