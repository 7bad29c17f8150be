namespace VectorIndexer.Core.Filtering;

/// <summary>The kind of a filterable payload field.</summary>
public enum FieldKind
{
    Keyword,
    Number,
    Boolean,
}

/// <summary>
/// The filterable fields of the index: the product's own (brand, color, category, price, rating,
/// ratingCount, inStock, currency) and the attributes declared filterable, addressed as
/// <c>attributes.&lt;name&gt;</c> (keyword).
/// </summary>
public sealed class ProductSchema
{
    public const string Brand = "brand";
    public const string Color = "color";
    public const string Category = "category";
    public const string Currency = "currency";
    public const string Price = "price";
    public const string Rating = "rating";
    public const string RatingCount = "ratingCount";
    public const string InStock = "inStock";
    public const string AttributePrefix = "attributes.";

    private static readonly Dictionary<string, FieldKind> BuiltIn = new(StringComparer.Ordinal)
    {
        [Brand] = FieldKind.Keyword,
        [Color] = FieldKind.Keyword,
        [Category] = FieldKind.Keyword,
        [Currency] = FieldKind.Keyword,
        [Price] = FieldKind.Number,
        [Rating] = FieldKind.Number,
        [RatingCount] = FieldKind.Number,
        [InStock] = FieldKind.Boolean,
    };

    private readonly Dictionary<string, FieldKind> _fields;

    public ProductSchema(IEnumerable<string>? filterableAttributes = null)
    {
        _fields = new Dictionary<string, FieldKind>(BuiltIn, StringComparer.Ordinal);
        foreach (var attribute in filterableAttributes ?? [])
        {
            if (string.IsNullOrWhiteSpace(attribute))
            {
                throw new ArgumentException("A filterable attribute name is empty.", nameof(filterableAttributes));
            }

            _fields[AttributePrefix + attribute] = FieldKind.Keyword;
        }
    }

    /// <summary>Filterable fields and their kinds.</summary>
    public IReadOnlyDictionary<string, FieldKind> Fields => _fields;

    /// <summary>Throws <see cref="FilterValidationException"/> naming the first unknown field or wrong type.</summary>
    public void Validate(ProductFilter? filter)
    {
        switch (filter)
        {
            case null:
                return;
            case AndFilter and:
                foreach (var f in and.Filters ?? throw new FilterValidationException("and", "an 'and' filter needs a list of filters."))
                {
                    Validate(f);
                }

                return;
            case OrFilter or:
                foreach (var f in or.Filters ?? throw new FilterValidationException("or", "an 'or' filter needs a list of filters."))
                {
                    Validate(f);
                }

                return;
            case NotFilter not:
                Validate(not.Filter ?? throw new FilterValidationException("not", "a 'not' filter needs a filter."));
                return;
            case KeywordFilter keyword:
                Expect(keyword.Field, FieldKind.Keyword);
                if (keyword.Values is null || keyword.Values.Count == 0 || keyword.Values.Any(v => v is null))
                {
                    throw new FilterValidationException(keyword.Field, $"'{keyword.Field}' needs at least one value, and no value may be null.");
                }

                return;
            case RangeFilter range:
                Expect(range.Field, FieldKind.Number);
                if (range.Min is null && range.Max is null)
                {
                    throw new FilterValidationException(range.Field, $"a range on '{range.Field}' needs a minimum, a maximum or both.");
                }

                if (range.Min is double min && range.Max is double max && min > max)
                {
                    throw new FilterValidationException(range.Field, $"the minimum of '{range.Field}' ({min}) is above its maximum ({max}).");
                }

                if (range.Min is double a && !double.IsFinite(a) || range.Max is double b && !double.IsFinite(b))
                {
                    throw new FilterValidationException(range.Field, $"the bounds of '{range.Field}' must be finite numbers.");
                }

                return;
            case BoolFilter boolean:
                Expect(boolean.Field, FieldKind.Boolean);
                return;
            default:
                throw new FilterValidationException("filter", $"unknown filter type {filter.GetType().Name}.");
        }
    }

    private void Expect(string? field, FieldKind kind)
    {
        if (string.IsNullOrEmpty(field))
        {
            throw new FilterValidationException("field", "a filter names no field.");
        }

        if (!_fields.TryGetValue(field, out var actual))
        {
            throw new FilterValidationException(field, $"'{field}' is not a filterable field (known: {string.Join(", ", _fields.Keys.Order(StringComparer.Ordinal))}).");
        }

        if (actual != kind)
        {
            throw new FilterValidationException(field, $"'{field}' is a {actual.ToString().ToLowerInvariant()} field; it cannot take a {kind.ToString().ToLowerInvariant()} condition.");
        }
    }
}

/// <summary>A filter that names an unknown field or gives a field the wrong type of condition.</summary>
public sealed class FilterValidationException : Exception
{
    public FilterValidationException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public FilterValidationException()
    {
        Field = string.Empty;
    }

    public FilterValidationException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    public FilterValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>The offending field, for a ProblemDetails error entry.</summary>
    public string Field { get; }
}
