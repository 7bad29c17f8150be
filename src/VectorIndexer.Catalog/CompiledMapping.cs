
namespace VectorIndexer.Catalog;

/// <summary>The product fields a mapping can name.</summary>
internal enum ProductField
{
    Id,
    Title,
    Description,
    Bullets,
    Brand,
    Category,
    Color,
    Price,
    Currency,
    InStock,
    Rating,
    RatingCount,
    Image,
    Attributes,
    UpdatedAt,
}

/// <summary>A validated <see cref="FeedMapping"/>, ready to turn records into products or rejections.</summary>
internal sealed partial class CompiledMapping
{
    private const int FieldCount = (int)ProductField.UpdatedAt + 1;

    private static readonly ProductField[] AllFields = Enum.GetValues<ProductField>();
    private static readonly FeedReaderOptions FeedReaderOptionsForConstants = new();
    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    private readonly SourcePath?[] _sources = new SourcePath?[FieldCount];
    private readonly string?[] _separators = new string?[FieldCount];
    private readonly string?[] _constants = new string?[FieldCount];
    private readonly List<KeyValuePair<string, SourcePath>> _attributes = [];
    private string? _attributePrefix;

    private CompiledMapping(string name) => Name = name;

    public string Name { get; }

    public SourcePath IdSource => _sources[(int)ProductField.Id]!;

    public SourcePath TitleSource => _sources[(int)ProductField.Title]!;

    public static CompiledMapping Compile(FeedMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var compiled = new CompiledMapping(mapping.Name);
        var problems = new List<string>();

        foreach (var (key, source) in mapping.Fields ?? new Dictionary<string, string>())
        {
            if (TryParseField(key, problems, "fields") is not { } field)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(source))
            {
                problems.Add($"fields.{key} has no source field name.");
            }
            else if (source == "/")
            {
                problems.Add($"fields.{key} is '/', which names the whole record rather than a field.");
            }
            else if (compiled._sources[(int)field] is not null)
            {
                problems.Add($"fields names {field} twice.");
            }
            else
            {
                compiled._sources[(int)field] = SourcePath.Parse(source);
            }
        }

        foreach (var required in (ReadOnlySpan<ProductField>)[ProductField.Id, ProductField.Title])
        {
            if (compiled._sources[(int)required] is null)
            {
                problems.Add($"fields must map {Camel(required)}: every product needs one.");
            }
        }

        foreach (var (key, separator) in mapping.Separators ?? new Dictionary<string, string>())
        {
            if (TryParseField(key, problems, "separators") is not { } field)
            {
                continue;
            }

            if (field is not (ProductField.Bullets or ProductField.Category))
            {
                problems.Add($"separators.{key}: only bullets and category are lists.");
            }
            else if (string.IsNullOrEmpty(separator))
            {
                problems.Add($"separators.{key} is empty.");
            }
            else
            {
                compiled._separators[(int)field] = separator;
            }
        }

        foreach (var (name, source) in mapping.Attributes ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(source))
            {
                problems.Add($"attributes has an entry with a blank name or source ('{name}': '{source}').");
            }
            else
            {
                compiled._attributes.Add(new(name.Trim(), SourcePath.Parse(source)));
            }
        }

        if (mapping.AttributePrefix is not null)
        {
            if (mapping.AttributePrefix.Length == 0)
            {
                problems.Add("attributePrefix is empty: it would copy every field into the attributes.");
            }
            else
            {
                compiled._attributePrefix = mapping.AttributePrefix;
            }
        }

        foreach (var (key, constant) in mapping.Constants ?? new Dictionary<string, string>())
        {
            if (TryParseField(key, problems, "constants") is not { } field)
            {
                continue;
            }

            if (field is ProductField.Id or ProductField.Title or ProductField.Attributes)
            {
                problems.Add($"constants.{key}: {Camel(field)} cannot be a constant.");
                continue;
            }

            compiled._constants[(int)field] = constant;
        }

        if (problems.Count == 0)
        {
            // Every constant must itself be a valid value, or every record would be rejected for it.
            foreach (var field in AllFields)
            {
                if (compiled._constants[(int)field] is { } constant
                    && compiled.Convert(field, SourceValue.FromText(constant), null, FeedReaderOptionsForConstants, out _) is { } failure)
                {
                    problems.Add($"constants.{Camel(field)}: {failure.Reason}");
                }
            }
        }

        return problems.Count == 0
            ? compiled
            : throw new FeedMappingException($"Feed mapping '{mapping.Name}' is invalid: {string.Join(" ", problems)}");
    }

    private static ProductField? TryParseField(string key, List<string> problems, string section)
    {
        if (!string.IsNullOrWhiteSpace(key) && char.IsAsciiLetter(key.Trim()[0]) && Enum.TryParse<ProductField>(key.Trim(), ignoreCase: true, out var field))
        {
            return field;
        }

        problems.Add($"{section}.{key} is not a product field (one of {string.Join(", ", Enum.GetValues<ProductField>().Select(Camel))}).");
        return null;
    }

    internal static string Camel(ProductField field)
    {
        var name = field.ToString();
        return string.Concat(name[..1].ToLowerInvariant(), name.AsSpan(1));
    }
}
