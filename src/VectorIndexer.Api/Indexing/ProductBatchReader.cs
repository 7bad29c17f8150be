using System.Globalization;
using System.Text.Json;
using VectorIndexer.Catalog;
using VectorIndexer.Core;

namespace VectorIndexer.Api.Indexing;

/// <summary>A pushed batch read from a request: the products, or the errors by field (<c>products[3].title</c>).</summary>
internal sealed record ProductBatchResult(IReadOnlyList<Product> Products, Dictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads the body of <c>POST /api/products</c> and checks each product by the same rules as a
/// catalogue feed (<see cref="CatalogFeed"/> with <see cref="FeedMapping.Default"/>): id and title
/// required, id at most 128 characters without control characters, price not negative, rating 0 to 5,
/// types, currency codes, image URLs. Each product is passed to the feed reader as one JSON line, so
/// its line number is its index. A product with the id of an earlier one in the batch is an error.
/// </summary>
internal static class ProductBatchReader
{
    public const string ProductsField = "products";
    public const string BodyField = "body";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private static readonly FeedReaderOptions FeedOptions = new() { Format = FeedFormat.JsonLines, DetectDuplicates = false, MaxReportedRejections = 0 };

    public static async Task<ProductBatchResult> ReadAsync(Stream body, int maxBatchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, DocumentOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line && ex.BytePositionInLine is { } position
                ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {position + 1})")
                : string.Empty;
            return Failed(BodyField, $"The body is not valid JSON{where}.");
        }

        using (document)
        {
            var root = document.RootElement;
            JsonElement products;
            if (root.ValueKind == JsonValueKind.Array)
            {
                products = root;
            }
            else if (root.ValueKind == JsonValueKind.Object && TryGetProducts(root, out var inner) && inner.ValueKind == JsonValueKind.Array)
            {
                products = inner;
            }
            else
            {
                return Failed(ProductsField, "The body must be a JSON array of products, or an object with a \"products\" array.");
            }

            var count = products.GetArrayLength();
            if (count == 0)
            {
                return Failed(ProductsField, "The batch is empty; send at least one product.");
            }

            if (count > maxBatchSize)
            {
                return Failed(ProductsField, string.Create(CultureInfo.InvariantCulture, $"The batch holds {count} products; at most {maxBatchSize} are accepted at once."));
            }

            return await CheckAsync(products, count, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One product as a JSON object, checked by the same feed rules as a push; an id is not needed
    /// (the product need not be indexed). Errors name the product's own fields (<c>title</c>), or
    /// <c>body</c>.
    /// </summary>
    public static async Task<ProductBatchResult> ReadOneAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonDocument parsed;
        try
        {
            parsed = await JsonDocument.ParseAsync(body, DocumentOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Failed(BodyField, "The body is not valid JSON.");
        }

        using (parsed)
        {
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Failed(BodyField, "The body must be one product as a JSON object.");
            }

            var names = parsed.RootElement.EnumerateObject().Select(p => p.Name).ToList();
            if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count)
            {
                return Failed(BodyField, "The product names a field twice.");
            }

            // The same product as a one-element batch, an id added when it has none.
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartArray();
                writer.WriteStartObject();
                if (!names.Any(n => string.Equals(n, "id", StringComparison.OrdinalIgnoreCase)))
                {
                    writer.WriteString("id", UnindexedId);
                }

                foreach (var property in parsed.RootElement.EnumerateObject())
                {
                    property.WriteTo(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndArray();
            }

            using var document = JsonDocument.Parse(buffer.ToArray());
            var checkedOne = await CheckAsync(document.RootElement, 1, cancellationToken).ConfigureAwait(false);
            var prefix = Element(0);
            return checkedOne with
            {
                Errors = checkedOne.Errors.ToDictionary(e => e.Key == prefix ? BodyField : e.Key.Replace(prefix + ".", string.Empty, StringComparison.Ordinal), e => e.Value, StringComparer.Ordinal),
            };
        }
    }

    /// <summary>The id given to a product read by <see cref="ReadOneAsync"/> without one.</summary>
    public const string UnindexedId = "unindexed-product";

    private static bool TryGetProducts(JsonElement root, out JsonElement products)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, ProductsField, StringComparison.OrdinalIgnoreCase))
            {
                products = property.Value;
                return true;
            }
        }

        products = default;
        return false;
    }

    private static async Task<ProductBatchResult> CheckAsync(JsonElement products, int count, CancellationToken cancellationToken)
    {
        using var lines = new MemoryStream();
        using (var writer = new Utf8JsonWriter(lines))
        {
            foreach (var product in products.EnumerateArray())
            {
                // Written compactly: a line break inside a string is escaped, so each product is one line.
                product.WriteTo(writer);
                writer.Flush();
                lines.WriteByte((byte)'\n');
                writer.Reset(lines);
            }
        }

        lines.Position = 0;
        var accepted = new List<Product>(count);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var firstIndexOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var feed = CatalogFeed.FromStream(lines, FeedFormat.JsonLines, FeedMapping.Default, FeedOptions, "request body");
        await foreach (var item in feed.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var index = checked((int)(item.LineNumber - 1));
            switch (item)
            {
                case FeedRejection rejection:
                    var field = string.IsNullOrEmpty(rejection.Field) ? Element(index) : $"{Element(index)}.{rejection.Field}";
                    errors[field] = [rejection.Reason];
                    break;
                case FeedProduct { Product: var product } when firstIndexOfId.TryGetValue(product.Id, out var first):
                    errors[$"{Element(index)}.id"] = [string.Create(CultureInfo.InvariantCulture, $"The id '{product.Id}' is also the id of {Element(first)}; each product may appear once in a batch.")];
                    break;
                case FeedProduct { Product: var product }:
                    firstIndexOfId[product.Id] = index;
                    accepted.Add(product);
                    break;
            }
        }

        return new ProductBatchResult(errors.Count == 0 ? accepted : [], errors);
    }

    private static string Element(int index) => string.Create(CultureInfo.InvariantCulture, $"{ProductsField}[{index}]");

    private static ProductBatchResult Failed(string field, string message) =>
        new([], new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });
}
