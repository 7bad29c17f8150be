using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Embedded.Tests;

/// <summary>
/// The scan against a brute-force reference on enough records to span many bitset words, with
/// holes left by deletes and reused by inserts: every hit matches the filter, scores are the
/// cosine, and nothing that matches scores better than the last hit returned.
/// </summary>
public sealed class ReferenceScanTests
{
    private const int Dimensions = 16;
    private const float Tolerance = 1e-5f;

    /// <summary>Every filter on 1,500 records; two on enough records for the scan to split across processors.</summary>
    public static TheoryData<string, int> Cases
    {
        get
        {
            var cases = new TheoryData<string, int>();
            foreach (var filter in new[] { "none", "brand", "brands", "notBrand", "price", "color-or-stock", "category", "material" })
            {
                cases.Add(filter, 1_500);
            }

            cases.Add("none", 40_000);
            cases.Add("notBrand", 40_000);
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Search_MatchesBruteForce_OverHolesAndManyWords(string filterName, int products)
    {
        var token = TestContext.Current.CancellationToken;
        var (filter, predicate) = FilterNamed(filterName);
        using var index = EmbeddedProductIndex.CreateInMemory(["material"]);
        var generation = await index.CreateGenerationAsync(new IndexModel("reference", Dimensions), token);
        await index.ActivateGenerationAsync(generation.Name, token);
        var random = new Random(42);
        var reference = new Dictionary<string, (Product Product, double[] Unit)>(StringComparer.Ordinal);
        foreach (var chunk in Enumerable.Range(0, products).Chunk(1000))
        {
            var records = chunk.Select(i => CreateRecord(i, random)).ToList();
            await index.UpsertAsync(null, records, token);
            foreach (var record in records)
            {
                reference[record.Product.Id] = (record.Product, Unit(record.Vector));
            }
        }

        var deleted = reference.Keys.Where((_, i) => i % 7 == 3).ToList();
        await index.DeleteAsync(null, deleted, token);
        deleted.ForEach(id => reference.Remove(id));
        var readded = Enumerable.Range(products, 100).Select(i => CreateRecord(i, random)).ToList();
        await index.UpsertAsync(null, readded, token);
        readded.ForEach(r => reference[r.Product.Id] = (r.Product, Unit(r.Vector)));

        Assert.Equal(reference.Values.Count(r => predicate(r.Product)), await index.CountAsync(null, filter, token));
        for (var q = 0; q < 10; q++)
        {
            var query = RandomVector(random);
            var unitQuery = Unit(query);
            var hits = (await index.SearchAsync(null, new ProductQuery(query, filter, Limit: 25), token)).Hits;
            var matching = reference.Values.Where(r => predicate(r.Product)).Select(r => (r.Product.Id, Score: Dot(r.Unit, unitQuery))).ToList();

            Assert.Equal(Math.Min(25, matching.Count), hits.Count);
            Assert.All(hits, h => Assert.True(predicate(h.Product), $"{h.Product.Id} does not match {filterName}"));
            Assert.Equal(hits.Count, hits.Select(h => h.Product.Id).Distinct().Count());
            foreach (var hit in hits)
            {
                Assert.Equal(Dot(reference[hit.Product.Id].Unit, unitQuery), hit.Score, Tolerance);
            }

            for (var i = 1; i < hits.Count; i++)
            {
                Assert.True(hits[i - 1].Score >= hits[i].Score, "hits are best first");
            }

            if (hits.Count > 0)
            {
                var returned = hits.Select(h => h.Product.Id).ToHashSet(StringComparer.Ordinal);
                var worst = hits[^1].Score;
                Assert.All(matching.Where(m => !returned.Contains(m.Id)), m => Assert.True(m.Score <= worst + Tolerance, $"{m.Id} scores {m.Score}, above the last hit {worst}"));
            }
        }
    }

    private static (ProductFilter? Filter, Func<Product, bool> Predicate) FilterNamed(string name) => name switch
    {
        "none" => (null, _ => true),
        "brand" => (ProductFilter.Equal(ProductSchema.Brand, "brand-7"), p => p.Brand == "brand-7"),
        "brands" => (ProductFilter.AnyOf(ProductSchema.Brand, [.. Enumerable.Range(0, 12).Select(b => $"brand-{b}")]), p => p.Brand is not null && int.Parse(p.Brand.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture) < 12),
        "notBrand" => (ProductFilter.NoneOf(ProductSchema.Brand, "brand-1", "brand-2"), p => p.Brand is not ("brand-1" or "brand-2")),
        "price" => (ProductFilter.Range(ProductSchema.Price, 20, 40), p => p.Price is >= 20 and <= 40),
        "color-or-stock" => (
            ProductFilter.Or(ProductFilter.Equal(ProductSchema.Color, "red"), ProductFilter.And(ProductFilter.Is(ProductSchema.InStock, true), ProductFilter.Not(ProductFilter.Range(ProductSchema.Rating, max: 2)))),
            p => p.Color == "red" || (p.InStock == true && !(p.Rating <= 2))),
        "category" => (ProductFilter.Equal(ProductSchema.Category, "c3"), p => p.Category.Contains("c3")),
        "material" => (ProductFilter.NoneOf("attributes.material", "wood"), p => !p.Attributes.TryGetValue("material", out var m) || m != "wood"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown filter"),
    };

    private static IndexRecord CreateRecord(int i, Random random)
    {
        var product = new Product
        {
            Id = $"item-{i:D5}",
            Title = $"Item {i}",
            Brand = i % 11 == 0 ? null : $"brand-{random.Next(30)}",
            Color = random.Next(4) switch { 0 => "red", 1 => "blue", 2 => null, _ => "green" },
            Category = [$"c{random.Next(5)}", $"c{random.Next(5, 10)}"],
            Price = i % 13 == 0 ? null : random.Next(0, 6000) / 100m,
            Rating = i % 5 == 0 ? null : random.Next(0, 6),
            InStock = (i % 3) switch { 0 => true, 1 => false, _ => null },
            Attributes = i % 4 == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["material"] = random.Next(2) == 0 ? "wood" : "metal" },
        };
        return new IndexRecord(product, RandomVector(random), $"h{i}");
    }

    private static float[] RandomVector(Random random)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    private static double[] Unit(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(x => (double)x * x));
        return [.. vector.Select(x => x / norm)];
    }

    private static float Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return (float)sum;
    }
}
