using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Qdrant.Tests;

public sealed class QdrantPayloadTests
{
    private static readonly Product Full = new()
    {
        Id = "sku-1",
        Title = "Red mug",
        Description = "A mug.",
        Bullets = ["Holds tea", "Dishwasher safe"],
        Brand = "Acme",
        Category = ["Home", "Kitchen", "Mugs"],
        Color = "red",
        Price = 99.99m,
        Currency = "EUR",
        InStock = true,
        Rating = 4.5,
        RatingCount = 120,
        Image = "https://example.invalid/mug.jpg",
        Attributes = new Dictionary<string, string> { ["material"] = "ceramic", ["size"] = "L" },
        UpdatedAt = new DateTimeOffset(2026, 11, 28, 2, 30, 15, 123, TimeSpan.FromHours(1)),
    };

    [Fact]
    public void WriteThenRead_RoundTripsEveryField()
    {
        var payload = Write(Full, "hash-1");

        var product = QdrantPayload.ReadProduct(payload);

        Assert.Equal(Full.Id, product.Id);
        Assert.Equal(Full.Title, product.Title);
        Assert.Equal(Full.Description, product.Description);
        Assert.Equal(Full.Bullets, product.Bullets);
        Assert.Equal(Full.Brand, product.Brand);
        Assert.Equal(Full.Category, product.Category);
        Assert.Equal(Full.Color, product.Color);
        Assert.Equal(Full.Price, product.Price);
        Assert.Equal(Full.Currency, product.Currency);
        Assert.Equal(Full.InStock, product.InStock);
        Assert.Equal(Full.Rating, product.Rating);
        Assert.Equal(Full.RatingCount, product.RatingCount);
        Assert.Equal(Full.Image, product.Image);
        Assert.Equal(Full.Attributes, product.Attributes);
        Assert.Equal(Full.UpdatedAt, product.UpdatedAt);
        Assert.Equal(Full.UpdatedAt!.Value.Offset, product.UpdatedAt!.Value.Offset);
        Assert.Equal("hash-1", QdrantPayload.ReadContentHash(payload));
        Assert.Equal("sku-1", QdrantPayload.ReadId(payload));
    }

    [Fact]
    public void Write_StoresFilterableFieldsAtTheirFilterKeys_WithTheIndexedTypes()
    {
        var payload = Write(Full, "h");

        Assert.Equal(Value.KindOneofCase.StringValue, payload["brand"].KindCase);
        Assert.Equal(["Home", "Kitchen", "Mugs"], payload["category"].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal(99.99, payload["price"].DoubleValue);
        Assert.Equal(Value.KindOneofCase.DoubleValue, payload["ratingCount"].KindCase);
        Assert.Equal(Value.KindOneofCase.BoolValue, payload["inStock"].KindCase);
        Assert.Equal("ceramic", payload["attributes"].StructValue.Fields["material"].StringValue);
    }

    [Fact]
    public void Write_LeavesAbsentValuesOut_SoConditionsOnThemAreFalse()
    {
        var payload = Write(new Product { Id = "p4", Title = "Green folder" }, "h");

        Assert.Equal(["contentHash", "id", "title"], payload.Keys.Order(StringComparer.Ordinal));
        var product = QdrantPayload.ReadProduct(payload);
        Assert.Null(product.Brand);
        Assert.Null(product.Price);
        Assert.Null(product.InStock);
        Assert.Null(product.RatingCount);
        Assert.Null(product.UpdatedAt);
        Assert.Empty(product.Category);
        Assert.Empty(product.Bullets);
        Assert.Empty(product.Attributes);
    }

    [Fact]
    public void Write_DropsEmptyCategoryLevels()
    {
        var payload = Write(new Product { Id = "x", Title = "x", Category = ["Home", "", "Mugs"] }, "h");

        Assert.Equal(["Home", "Mugs"], payload["category"].ListValue.Values.Select(v => v.StringValue));
    }

    [Fact]
    public void ReadProduct_AcceptsIntegerNumbers()
    {
        var payload = Write(new Product { Id = "x", Title = "x" }, "h");
        payload["ratingCount"] = new Value { IntegerValue = 7 };
        payload["price"] = new Value { IntegerValue = 15 };

        var product = QdrantPayload.ReadProduct(payload);

        Assert.Equal(7, product.RatingCount);
        Assert.Equal(15m, product.Price);
    }

    [Fact]
    public void ReadProduct_WithoutId_Throws()
    {
        var payload = new MapField<string, Value> { ["title"] = "orphan" };

        Assert.Null(QdrantPayload.ReadId(payload));
        Assert.Throws<InvalidOperationException>(() => QdrantPayload.ReadProduct(payload));
    }

    private static MapField<string, Value> Write(Product product, string hash)
    {
        var payload = new MapField<string, Value>();
        QdrantPayload.Write(payload, new IndexRecord(product, [1f, 0f], hash));
        return payload;
    }
}
