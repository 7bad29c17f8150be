using System.Globalization;
using System.Text.Json;
using VectorIndexer.Core;

namespace VectorIndexer.Catalog;

// Mapping one feed record: resolving sources, converting each field to its type, the attributes.
internal partial class CompiledMapping
{
    /// <summary>Maps one record: a product, or the first problem found.</summary>
    public FeedItem Map(IFeedRecord record, long lineNumber, FeedReaderOptions options)
    {
        var values = new object?[FieldCount];
        foreach (var field in AllFields)
        {
            if (field == ProductField.Attributes)
            {
                continue;
            }

            var (value, source) = Resolve(field, record);
            if (Convert(field, value, source, options, out var converted) is { } failure)
            {
                return new FeedRejection(lineNumber, failure.Kind, failure.Reason, source?.Declared);
            }

            values[(int)field] = converted;
        }

        if (MapAttributes(record, lineNumber, out var attributes) is { } rejection)
        {
            return rejection;
        }

        var product = new Product
        {
            Id = (string)values[(int)ProductField.Id]!,
            Title = (string)values[(int)ProductField.Title]!,
            Description = (string?)values[(int)ProductField.Description],
            Bullets = (IReadOnlyList<string>?)values[(int)ProductField.Bullets] ?? [],
            Brand = (string?)values[(int)ProductField.Brand],
            Category = (IReadOnlyList<string>?)values[(int)ProductField.Category] ?? [],
            Color = (string?)values[(int)ProductField.Color],
            Price = (decimal?)values[(int)ProductField.Price],
            Currency = (string?)values[(int)ProductField.Currency],
            InStock = (bool?)values[(int)ProductField.InStock],
            Rating = (double?)values[(int)ProductField.Rating],
            RatingCount = (int?)values[(int)ProductField.RatingCount],
            Image = (string?)values[(int)ProductField.Image],
            Attributes = (IReadOnlyDictionary<string, string>?)attributes ?? EmptyAttributes,
            UpdatedAt = (DateTimeOffset?)values[(int)ProductField.UpdatedAt],
        };
        return new FeedProduct(lineNumber, product);
    }

    private (SourceValue Value, SourcePath? Source) Resolve(ProductField field, IFeedRecord record)
    {
        var source = _sources[(int)field];
        var value = source is null ? SourceValue.Missing : record.Get(source);
        return value.IsAbsent && _constants[(int)field] is { } constant ? (SourceValue.FromText(constant), null) : (value, source);
    }

    private FeedRejection? MapAttributes(IFeedRecord record, long lineNumber, out Dictionary<string, string>? mapped)
    {
        mapped = null;
        Dictionary<string, string>? attributes = null;

        if (_sources[(int)ProductField.Attributes] is { } objectSource)
        {
            var value = record.Get(objectSource);
            if (!value.IsAbsent)
            {
                JsonDocument? parsed = null;
                try
                {
                    var element = value.Element;
                    if (value.Kind == SourceKind.Text)
                    {
                        // CSV carries an attributes object as JSON text.
                        try
                        {
                            parsed = JsonDocument.Parse(value.Text!);
                            element = parsed.RootElement;
                        }
                        catch (JsonException)
                        {
                            return Reject(objectSource, ProductField.Attributes, FeedRejectionKind.WrongType, $"{value.Describe()} is not a JSON object of attribute names to values.");
                        }
                    }

                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        return Reject(objectSource, ProductField.Attributes, FeedRejectionKind.WrongType, $"{SourceValue.FromJson(element).Describe()} is not an object of attribute names to values.");
                    }

                    foreach (var property in element.EnumerateObject())
                    {
                        if (AddAttribute(ref attributes, property.Name, SourceValue.FromJson(property.Value)) is { } problem)
                        {
                            return Reject(objectSource, ProductField.Attributes, FeedRejectionKind.WrongType, $"attribute '{property.Name}': {problem}");
                        }
                    }
                }
                finally
                {
                    parsed?.Dispose();
                }
            }
        }

        if (_attributePrefix is { } prefix)
        {
            foreach (var (name, value) in record.WithPrefix(prefix))
            {
                if (AddAttribute(ref attributes, name[prefix.Length..], value) is { } problem)
                {
                    return new FeedRejection(lineNumber, FeedRejectionKind.WrongType, $"Field '{name}' (attribute): {problem}", name);
                }
            }
        }

        foreach (var (name, source) in _attributes)
        {
            if (AddAttribute(ref attributes, name, record.Get(source)) is { } problem)
            {
                return new FeedRejection(lineNumber, FeedRejectionKind.WrongType, $"Field '{source.Declared}' (attribute '{name}'): {problem}", source.Declared);
            }
        }

        mapped = attributes;
        return null;

        FeedRejection Reject(SourcePath source, ProductField field, FeedRejectionKind kind, string problem) =>
            new(lineNumber, kind, $"Field '{source.Declared}' ({Camel(field)}): {problem}", source.Declared);
    }

    /// <summary>Adds one attribute; blank names and absent values are skipped. Returns a problem, or null.</summary>
    private static string? AddAttribute(ref Dictionary<string, string>? attributes, string name, SourceValue value)
    {
        name = name.Trim();
        if (name.Length == 0 || value.IsAbsent)
        {
            return null;
        }

        string text;
        if (value.Kind == SourceKind.Text)
        {
            text = value.Text!.Trim();
        }
        else if (value.Element.ValueKind == JsonValueKind.Array)
        {
            var items = new List<string>();
            foreach (var item in value.Element.EnumerateArray())
            {
                var itemValue = SourceValue.FromJson(item);
                if (itemValue.Kind == SourceKind.Json && item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    return $"{itemValue.Describe()} inside a list is not a plain value.";
                }

                if (!itemValue.IsAbsent)
                {
                    items.Add(itemValue.Kind == SourceKind.Text ? itemValue.Text!.Trim() : item.GetRawText());
                }
            }

            if (items.Count == 0)
            {
                return null;
            }

            text = string.Join(", ", items);
        }
        else if (value.Element.ValueKind == JsonValueKind.Object)
        {
            return "an object is not a plain value.";
        }
        else
        {
            text = value.Element.GetRawText();
        }

        attributes ??= new Dictionary<string, string>(StringComparer.Ordinal);
        attributes[name] = text;
        return null;
    }

    private readonly record struct Failure(FeedRejectionKind Kind, string Reason);

    /// <summary>Converts the value of one field; null on success.</summary>
    private Failure? Convert(ProductField field, SourceValue value, SourcePath? source, FeedReaderOptions options, out object? converted)
    {
        converted = null;
        var label = source is null ? Camel(field)
            : string.Equals(source.Declared, Camel(field), StringComparison.OrdinalIgnoreCase) ? $"Field '{source.Declared}'"
            : $"Field '{source.Declared}' ({Camel(field)})";
        var labelOrConstant = source is null && _constants[(int)field] is not null ? $"The constant {Camel(field)}" : label;

        Failure Fail(FeedRejectionKind kind, string problem) => new(kind, $"{labelOrConstant} {problem}");

        switch (field)
        {
            case ProductField.Id or ProductField.Title:
            {
                if (value.IsAbsent)
                {
                    return Fail(FeedRejectionKind.MissingRequiredField, "is missing or blank; every product needs one.");
                }

                if (!TryText(value, out var text))
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not text.");
                }

                var max = field == ProductField.Id ? FeedReaderOptions.MaxIdLength : options.MaxTitleLength;
                if (text.Length > max)
                {
                    return Fail(FeedRejectionKind.FieldTooLong, $"is {text.Length} characters long; the most allowed is {max}.");
                }

                if (field == ProductField.Id && text.Any(char.IsControl))
                {
                    return Fail(FeedRejectionKind.InvalidValue, "contains control characters (a line break, a tab).");
                }

                converted = text;
                return null;
            }

            case ProductField.Description or ProductField.Brand or ProductField.Color:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                if (!TryText(value, out var text))
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not text.");
                }

                converted = text;
                return null;
            }

            case ProductField.Bullets or ProductField.Category:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                var items = new List<string>();
                if (value.Kind == SourceKind.Json && value.Element.ValueKind == JsonValueKind.Array)
                {
                    foreach (var element in value.Element.EnumerateArray())
                    {
                        var item = SourceValue.FromJson(element);
                        if (item.IsAbsent)
                        {
                            continue;
                        }

                        if (!TryText(item, out var text))
                        {
                            return Fail(FeedRejectionKind.WrongType, $"holds {item.Describe()}, not text.");
                        }

                        items.Add(text);
                    }
                }
                else if (value.Kind == SourceKind.Text)
                {
                    var separator = _separators[(int)field];
                    var parts = separator is null ? [value.Text!] : value.Text!.Split(separator);
                    items.AddRange(parts.Select(part => part.Trim()).Where(part => part.Length > 0));
                }
                else
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not a list or text.");
                }

                converted = items;
                return null;
            }

            case ProductField.Price:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                decimal price;
                if (value.Kind == SourceKind.Json && value.Element.ValueKind == JsonValueKind.Number)
                {
                    if (!value.Element.TryGetDecimal(out price))
                    {
                        return Fail(FeedRejectionKind.OutOfRange, $"{value.Describe()} is too large for a price.");
                    }
                }
                else if (value.Kind != SourceKind.Text || !decimal.TryParse(value.Text!.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out price))
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not a number.");
                }

                if (price < 0)
                {
                    return Fail(FeedRejectionKind.OutOfRange, $"is negative ({price.ToString(CultureInfo.InvariantCulture)}).");
                }

                converted = price;
                return null;
            }

            case ProductField.Currency:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                if (!TryText(value, out var text) || text.Length != 3 || !text.All(char.IsAsciiLetter))
                {
                    return Fail(FeedRejectionKind.InvalidValue, $"is {value.Describe()}, not a three-letter ISO 4217 currency code.");
                }

                converted = text.ToUpperInvariant();
                return null;
            }

            case ProductField.InStock:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                bool? inStock = value.Kind switch
                {
                    SourceKind.Json => value.Element.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        JsonValueKind.Number when value.Element.GetRawText() is "1" => true,
                        JsonValueKind.Number when value.Element.GetRawText() is "0" => false,
                        _ => null,
                    },
                    _ => value.Text!.Trim().ToUpperInvariant() switch
                    {
                        "TRUE" or "YES" or "Y" or "1" or "IN_STOCK" or "IN STOCK" => true,
                        "FALSE" or "NO" or "N" or "0" or "OUT_OF_STOCK" or "OUT OF STOCK" => false,
                        _ => null,
                    },
                };
                if (inStock is null)
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not a boolean (true/false, yes/no, 1/0, in_stock/out_of_stock).");
                }

                converted = inStock;
                return null;
            }

            case ProductField.Rating:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                if (!TryDouble(value, out var rating))
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not a number.");
                }

                if (rating is < 0 or > 5)
                {
                    return Fail(FeedRejectionKind.OutOfRange, $"is {rating.ToString(CultureInfo.InvariantCulture)}; ratings run from 0 to 5.");
                }

                converted = rating;
                return null;
            }

            case ProductField.RatingCount:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                if (!TryDouble(value, out var count) || count != Math.Floor(count))
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not a whole number.");
                }

                if (count is < 0 or > int.MaxValue)
                {
                    return Fail(FeedRejectionKind.OutOfRange, $"is {count.ToString(CultureInfo.InvariantCulture)}; a count runs from 0 to {int.MaxValue}.");
                }

                converted = (int)count;
                return null;
            }

            case ProductField.Image:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                if (!TryText(value, out var text))
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not text.");
                }

                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    return Fail(FeedRejectionKind.InvalidValue, $"is {value.Describe()}, not an absolute http(s) URL.");
                }

                converted = text;
                return null;
            }

            case ProductField.UpdatedAt:
            {
                if (value.IsAbsent)
                {
                    return null;
                }

                if (value.Kind != SourceKind.Text
                    || !DateTimeOffset.TryParse(value.Text!.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var updatedAt))
                {
                    return Fail(FeedRejectionKind.WrongType, $"is {value.Describe()}, not an ISO 8601 date and time.");
                }

                converted = updatedAt;
                return null;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, "Attributes are mapped separately.");
        }
    }

    /// <summary>Text, trimmed, from a string or a number (ids are often numeric). Booleans, arrays and objects are not text.</summary>
    private static bool TryText(SourceValue value, out string text)
    {
        switch (value.Kind)
        {
            case SourceKind.Text:
                text = value.Text!.Trim();
                return true;
            case SourceKind.Json when value.Element.ValueKind == JsonValueKind.Number:
                text = value.Element.GetRawText();
                return true;
            default:
                text = string.Empty;
                return false;
        }
    }

    private static bool TryDouble(SourceValue value, out double number)
    {
        var parsed = value.Kind switch
        {
            SourceKind.Json when value.Element.ValueKind == JsonValueKind.Number => value.Element.TryGetDouble(out number),
            SourceKind.Text => double.TryParse(value.Text!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => Fail(out number),
        };
        return parsed && double.IsFinite(number);

        static bool Fail(out double number)
        {
            number = 0;
            return false;
        }
    }
}
