using System.Globalization;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// How a product is stored as a Qdrant payload. Filterable fields sit at the keys the filter
/// model names (<see cref="ProductSchema"/>): <c>category</c> is the whole path as a keyword array
/// (so a keyword match hits any level), <c>attributes</c> an object (so <c>attributes.&lt;name&gt;</c>
/// is a nested key), numbers are floats. Absent values are left out rather than stored as null,
/// so that a condition on them is false and its negation true. The rest of the product rides
/// along so that hits come back whole, with the content hash.
/// </summary>
internal static class QdrantPayload
{
    public const string Id = "id";
    public const string Title = "title";
    public const string Description = "description";
    public const string Bullets = "bullets";
    public const string Image = "image";
    public const string Attributes = "attributes";
    public const string UpdatedAt = "updatedAt";
    public const string ContentHash = "contentHash";

    /// <summary>The keyword-indexed fields besides the declared attributes.</summary>
    public static readonly IReadOnlyList<string> KeywordFields = [Id, ProductSchema.Brand, ProductSchema.Color, ProductSchema.Category, ProductSchema.Currency];

    /// <summary>The float-indexed fields.</summary>
    public static readonly IReadOnlyList<string> FloatFields = [ProductSchema.Price, ProductSchema.Rating, ProductSchema.RatingCount];

    /// <summary>The bool-indexed fields.</summary>
    public static readonly IReadOnlyList<string> BoolFields = [ProductSchema.InStock];

    public static void Write(MapField<string, Value> payload, IndexRecord record)
    {
        var product = record.Product;
        payload[Id] = product.Id;
        payload[Title] = product.Title;
        SetIfPresent(payload, Description, product.Description);
        if (product.Bullets.Count > 0)
        {
            payload[Bullets] = List(product.Bullets);
        }

        SetIfPresent(payload, ProductSchema.Brand, product.Brand);
        var category = product.Category.Where(c => !string.IsNullOrEmpty(c)).ToArray();
        if (category.Length > 0)
        {
            payload[ProductSchema.Category] = List(category);
        }

        SetIfPresent(payload, ProductSchema.Color, product.Color);
        if (product.Price is decimal price)
        {
            payload[ProductSchema.Price] = new Value { DoubleValue = (double)price };
        }

        SetIfPresent(payload, ProductSchema.Currency, product.Currency);
        if (product.InStock is bool inStock)
        {
            payload[ProductSchema.InStock] = new Value { BoolValue = inStock };
        }

        if (product.Rating is double rating)
        {
            payload[ProductSchema.Rating] = new Value { DoubleValue = rating };
        }

        if (product.RatingCount is int ratingCount)
        {
            // Stored as a float, the type of the index on it, like the other numeric fields.
            payload[ProductSchema.RatingCount] = new Value { DoubleValue = ratingCount };
        }

        SetIfPresent(payload, Image, product.Image);
        if (product.Attributes.Count > 0)
        {
            var fields = new Struct();
            foreach (var (name, value) in product.Attributes)
            {
                if (value is not null)
                {
                    fields.Fields[name] = value;
                }
            }

            payload[Attributes] = new Value { StructValue = fields };
        }

        if (product.UpdatedAt is DateTimeOffset updatedAt)
        {
            payload[UpdatedAt] = updatedAt.ToString("O", CultureInfo.InvariantCulture);
        }

        payload[ContentHash] = record.ContentHash;
    }

    /// <summary>The product id stored in a payload, or null when the point is not one of ours.</summary>
    public static string? ReadId(MapField<string, Value> payload) => String(payload, Id);

    public static string? ReadContentHash(MapField<string, Value> payload) => String(payload, ContentHash);

    public static Product ReadProduct(MapField<string, Value> payload)
    {
        var id = ReadId(payload) ?? throw new InvalidOperationException("A point in the index has no product id in its payload.");
        return new Product
        {
            Id = id,
            Title = String(payload, Title) ?? string.Empty,
            Description = String(payload, Description),
            Bullets = Strings(payload, Bullets),
            Brand = String(payload, ProductSchema.Brand),
            Category = Strings(payload, ProductSchema.Category),
            Color = String(payload, ProductSchema.Color),
            Price = Number(payload, ProductSchema.Price) is double price ? (decimal)price : null,
            Currency = String(payload, ProductSchema.Currency),
            InStock = payload.TryGetValue(ProductSchema.InStock, out var inStock) && inStock.KindCase == Value.KindOneofCase.BoolValue ? inStock.BoolValue : null,
            Rating = Number(payload, ProductSchema.Rating),
            RatingCount = Number(payload, ProductSchema.RatingCount) is double count ? (int)Math.Round(count) : null,
            Image = String(payload, Image),
            Attributes = payload.TryGetValue(Attributes, out var attributes) && attributes.KindCase == Value.KindOneofCase.StructValue
                ? attributes.StructValue.Fields
                    .Where(f => f.Value.KindCase == Value.KindOneofCase.StringValue)
                    .ToDictionary(f => f.Key, f => f.Value.StringValue, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal),
            UpdatedAt = String(payload, UpdatedAt) is { } updated
                ? DateTimeOffset.Parse(updated, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
                : null,
        };
    }

    private static void SetIfPresent(MapField<string, Value> payload, string key, string? value)
    {
        if (value is not null)
        {
            payload[key] = value;
        }
    }

    private static Value List(IEnumerable<string> values)
    {
        var list = new ListValue();
        foreach (var value in values)
        {
            list.Values.Add(new Value { StringValue = value });
        }

        return new Value { ListValue = list };
    }

    private static string? String(MapField<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : null;

    private static double? Number(MapField<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value)
            ? value.KindCase switch
            {
                Value.KindOneofCase.DoubleValue => value.DoubleValue,
                Value.KindOneofCase.IntegerValue => value.IntegerValue,
                _ => null,
            }
            : null;

    private static string[] Strings(MapField<string, Value> payload, string key)
    {
        if (!payload.TryGetValue(key, out var value))
        {
            return [];
        }

        return value.KindCase switch
        {
            Value.KindOneofCase.ListValue => value.ListValue.Values
                .Where(v => v.KindCase == Value.KindOneofCase.StringValue)
                .Select(v => v.StringValue)
                .ToArray(),
            Value.KindOneofCase.StringValue => [value.StringValue],
            _ => [],
        };
    }
}
