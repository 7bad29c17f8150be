using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace VectorIndexer.Catalog;

/// <summary>
/// Declares how a feed's fields map onto <see cref="Core.Product"/>. Keys naming product fields are the product's
/// property names, in any case (<c>id</c>, <c>ratingCount</c>, <c>RatingCount</c>).
/// </summary>
/// <remarks>
/// A source is a field name (a JSON property or a CSV column), or, for JSON Lines, a JSON Pointer starting with
/// <c>/</c> into nested objects and arrays (<c>/offers/0/price</c>). Load one with <see cref="FromJson"/>,
/// <see cref="LoadAsync"/> or <see cref="FromConfiguration"/>, or take a built-in one with <see cref="BuiltIn"/>.
/// </remarks>
public sealed class FeedMapping
{
    private static readonly string[] ConfigurationKeys = [nameof(Name), nameof(Fields), nameof(Separators), nameof(Attributes), nameof(AttributePrefix), nameof(Constants)];

    /// <summary>The mapping's name (for logs and look-up).</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Product field to source: <c>{"id": "asin", "price": "/offers/price"}</c>. Id and title are required.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// List field (<c>bullets</c>, <c>category</c>) to the separator that splits it where the source is text
    /// (<c>"\n"</c>, <c>" &gt; "</c>). A JSON array source is taken as it is.
    /// </summary>
    public IReadOnlyDictionary<string, string> Separators { get; init; } = new Dictionary<string, string>();

    /// <summary>Attribute name to source: each present value is copied into <see cref="Core.Product.Attributes"/>.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Where set, every top-level field (CSV column) whose name starts with it is copied into the attributes,
    /// named without the prefix (<c>attr_size</c> becomes <c>size</c> with prefix <c>attr_</c>).
    /// </summary>
    public string? AttributePrefix { get; init; }

    /// <summary>
    /// Product field to a constant (<c>{"currency": "USD"}</c>), used where the field has no source or the source is
    /// absent or blank. Not allowed for id, title and attributes.
    /// </summary>
    public IReadOnlyDictionary<string, string> Constants { get; init; } = new Dictionary<string, string>();

    /// <summary>The names of the built-in mappings.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["default", "esci"];

    /// <summary>
    /// Field names equal to the product's property names in camelCase; bullets split on line breaks and the category
    /// path on <c>" &gt; "</c> where they are text (CSV); an <c>attributes</c> object (JSON, or JSON text in CSV) and
    /// columns prefixed <c>attributes.</c> become attributes.
    /// </summary>
    public static FeedMapping Default { get; } = new()
    {
        Name = "default",
        Fields = new Dictionary<string, string>
        {
            ["id"] = "id",
            ["title"] = "title",
            ["description"] = "description",
            ["bullets"] = "bullets",
            ["brand"] = "brand",
            ["category"] = "category",
            ["color"] = "color",
            ["price"] = "price",
            ["currency"] = "currency",
            ["inStock"] = "inStock",
            ["rating"] = "rating",
            ["ratingCount"] = "ratingCount",
            ["image"] = "image",
            ["attributes"] = "attributes",
            ["updatedAt"] = "updatedAt",
        },
        Separators = new Dictionary<string, string> { ["bullets"] = "\n", ["category"] = " > " },
        AttributePrefix = "attributes.",
    };

    /// <summary>
    /// The ESCI-SRW shape (<c>products.jsonl</c>): <c>asin</c> is the id, <c>bullet_points</c> are line-separated,
    /// <c>category</c> is an array, prices are US dollars. <c>is_book</c> and <c>esci_query_ids</c> are ignored
    /// (the latter leaks relevance labels and must never reach an index).
    /// </summary>
    public static FeedMapping Esci { get; } = new()
    {
        Name = "esci",
        Fields = new Dictionary<string, string>
        {
            ["id"] = "asin",
            ["title"] = "title",
            ["description"] = "description",
            ["bullets"] = "bullet_points",
            ["brand"] = "brand",
            ["color"] = "color",
            ["category"] = "category",
            ["price"] = "price",
            ["rating"] = "rating",
            ["ratingCount"] = "rating_count",
            ["image"] = "image",
        },
        Separators = new Dictionary<string, string> { ["bullets"] = "\n", ["category"] = " > " },
        Constants = new Dictionary<string, string> { ["currency"] = "USD" },
    };

    /// <summary>The built-in mapping called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">There is none of that name.</exception>
    public static FeedMapping BuiltIn(string name) =>
        TryGetBuiltIn(name, out var mapping)
            ? mapping
            : throw new KeyNotFoundException($"There is no built-in feed mapping '{name}'; built-in mappings: {string.Join(", ", BuiltInNames)}.");

    /// <summary>Like <see cref="BuiltIn"/>, without throwing.</summary>
    public static bool TryGetBuiltIn(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FeedMapping? mapping)
    {
        mapping = name?.Trim().ToUpperInvariant() switch
        {
            "DEFAULT" => Default,
            "ESCI" => Esci,
            _ => null,
        };
        return mapping is not null;
    }

    /// <summary>Reads a mapping from JSON and validates it.</summary>
    /// <exception cref="FeedMappingException">The JSON is malformed, has unknown members, or the mapping is invalid.</exception>
    public static FeedMapping FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        FeedMapping? mapping;
        try
        {
            mapping = JsonSerializer.Deserialize(json, FeedMappingJsonContext.Default.FeedMapping);
        }
        catch (JsonException exception)
        {
            throw new FeedMappingException($"The feed mapping is not valid JSON for a mapping: {exception.Message}", exception);
        }

        return (mapping ?? throw new FeedMappingException("The feed mapping JSON is null.")).Validated();
    }

    /// <summary>Reads a mapping from a JSON file and validates it.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FeedMappingException">The file does not hold a valid mapping; the message names it.</exception>
    public static async Task<FeedMapping> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Feed mapping file '{path}' does not exist.", path);
        }

        var json = await File.ReadAllTextAsync(path, cancellationToken);
        try
        {
            return FromJson(json);
        }
        catch (FeedMappingException exception)
        {
            throw new FeedMappingException($"Feed mapping file '{path}': {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Reads a mapping from a configuration section (<c>Name</c>, <c>Fields</c>, <c>Separators</c>,
    /// <c>Attributes</c>, <c>AttributePrefix</c>, <c>Constants</c>) and validates it. The name defaults to the
    /// section's key.
    /// </summary>
    /// <exception cref="FeedMappingException">The section is invalid; the message names the section path.</exception>
    public static FeedMapping FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var path = (section as IConfigurationSection)?.Path ?? "(configuration root)";
        var unknown = section.GetChildren()
            .Select(child => child.Key)
            .Where(key => !ConfigurationKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new FeedMappingException(
                $"Feed mapping '{path}' has unknown setting(s) {string.Join(", ", unknown)}; known settings: {string.Join(", ", ConfigurationKeys)}.");
        }

        var mapping = new FeedMapping
        {
            Name = section[nameof(Name)] ?? (section as IConfigurationSection)?.Key ?? "custom",
            Fields = ReadMap(section.GetSection(nameof(Fields))),
            Separators = ReadMap(section.GetSection(nameof(Separators))),
            Attributes = ReadMap(section.GetSection(nameof(Attributes))),
            AttributePrefix = section[nameof(AttributePrefix)],
            Constants = ReadMap(section.GetSection(nameof(Constants))),
        };

        try
        {
            return mapping.Validated();
        }
        catch (FeedMappingException exception)
        {
            throw new FeedMappingException($"Feed mapping '{path}': {exception.Message}", exception);
        }
    }

    /// <summary>
    /// The built-in mappings plus one per child of <paramref name="mappingsSection"/> (such as <c>Catalog:Mappings</c>),
    /// each named by its key; looked up case-insensitively.
    /// </summary>
    /// <exception cref="FeedMappingException">A configured mapping is invalid, or takes a built-in mapping's name.</exception>
    public static IReadOnlyDictionary<string, FeedMapping> ReadAll(IConfiguration mappingsSection)
    {
        ArgumentNullException.ThrowIfNull(mappingsSection);
        var mappings = new Dictionary<string, FeedMapping>(StringComparer.OrdinalIgnoreCase)
        {
            [Default.Name] = Default,
            [Esci.Name] = Esci,
        };
        foreach (var child in mappingsSection.GetChildren())
        {
            if (mappings.ContainsKey(child.Key))
            {
                throw new FeedMappingException($"Feed mapping '{child.Path}' takes the name of a built-in mapping; choose another name.");
            }

            mappings[child.Key] = FromConfiguration(child);
        }

        return mappings;
    }

    /// <summary>Checks the mapping; throws listing every problem.</summary>
    /// <exception cref="FeedMappingException">The mapping is invalid.</exception>
    public void Validate() => _ = CompiledMapping.Compile(this);

    /// <summary>Serialises the mapping as JSON, in the shape <see cref="FromJson"/> reads.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, FeedMappingJsonContext.Default.FeedMapping);

    /// <inheritdoc />
    public override string ToString() => Name;

    private FeedMapping Validated()
    {
        Validate();
        return this;
    }

    private static Dictionary<string, string> ReadMap(IConfigurationSection section) =>
        section.GetChildren()
            .Where(child => child.Value is not null)
            .ToDictionary(child => child.Key, child => child.Value!, StringComparer.OrdinalIgnoreCase);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(FeedMapping))]
internal sealed partial class FeedMappingJsonContext : JsonSerializerContext;
