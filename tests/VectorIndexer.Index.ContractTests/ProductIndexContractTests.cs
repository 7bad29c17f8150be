using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

/// <summary>
/// The behaviour every <see cref="IProductIndex"/> must show. An implementation's test project
/// subclasses this class and returns a fresh, empty, isolated index from
/// <see cref="CreateIndexAsync"/>, one whose filterable attributes include
/// <see cref="FilterableAttribute"/>. Every test gets its own index.
/// </summary>
/// <remarks>
/// Data: six products whose vectors make a known ranking against the query <c>e0</c>: product
/// <c>p{i}</c> lies at <c>8·i</c> degrees from <c>e0</c> (towards an axis of its own), so it scores
/// cos(8·i°) and the ranking is p1, p2, …, p6. Between two products the similarity is the product
/// of their cosines.
/// </remarks>
public abstract partial class ProductIndexContractTests : IAsyncLifetime
{
    /// <summary>Vector length of the test generations.</summary>
    public const int Dimensions = 8;

    /// <summary>The attribute the index under test must declare filterable (<c>attributes.material</c>).</summary>
    public const string FilterableAttribute = "material";

    /// <summary>Scores are compared with this tolerance (stores may keep float16 or round).</summary>
    protected const float ScoreTolerance = 1e-4f;

    private static readonly IndexModel TestModel = new("contract-test-model", Dimensions);

    private IProductIndex? _index;

    /// <summary>The index under test.</summary>
    protected IProductIndex Index => _index ?? throw new InvalidOperationException("The index is created in InitializeAsync.");

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The six catalogue products, best match for <c>e0</c> first.</summary>
    protected static IReadOnlyList<Product> Catalogue { get; } =
    [
        new Product
        {
            Id = "p1", Title = "Red mug", Brand = "Acme", Color = "red", Category = ["Home", "Kitchen", "Mugs"],
            Price = 10m, Rating = 4.5, RatingCount = 120, InStock = true, Currency = "EUR",
            Attributes = new Dictionary<string, string> { ["material"] = "ceramic" },
        },
        new Product
        {
            Id = "p2", Title = "Blue plate", Brand = "Acme", Color = "blue", Category = ["Home", "Kitchen", "Plates"],
            Price = 20m, Rating = 3.5, RatingCount = 40, InStock = false, Currency = "EUR",
            Attributes = new Dictionary<string, string> { ["material"] = "porcelain" },
        },
        new Product
        {
            Id = "p3", Title = "Red trowel", Brand = "Zenith", Color = "red", Category = ["Home", "Garden"],
            Price = 30m, InStock = true, Currency = "USD",
            Attributes = new Dictionary<string, string> { ["material"] = "steel" },
        },
        new Product
        {
            Id = "p4", Title = "Green folder", Color = "green", Category = ["Office"],
            Rating = 5.0, RatingCount = 3,
        },
        new Product
        {
            Id = "p5", Title = "Black desk", Brand = "acme", Color = "black", Category = ["Office", "Desks"],
            Price = 99.99m, Rating = 2.0, RatingCount = 8, InStock = false, Currency = "USD",
            Attributes = new Dictionary<string, string> { ["material"] = "wood" },
        },
        new Product
        {
            Id = "p6", Title = "Steel bucket", Brand = "Zenith",
            Price = 15m, Rating = 4.0, RatingCount = 60, InStock = true, Currency = "EUR",
            Attributes = new Dictionary<string, string> { ["material"] = "steel", ["finish"] = "matte" },
        },
    ];

    /// <summary>The query every ranking below is measured against.</summary>
    private static readonly float[] QueryE0 = Axis(0);

    public async ValueTask InitializeAsync() => _index = await CreateIndexAsync(Token);

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await DisposeIndexAsync(_index);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh, empty index, isolated from every other test's.</summary>
    protected abstract Task<IProductIndex> CreateIndexAsync(CancellationToken cancellationToken);

    /// <summary>Releases the index and whatever it stored.</summary>
    protected virtual ValueTask DisposeIndexAsync(IProductIndex index)
    {
        switch (index)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        return ValueTask.CompletedTask;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /// <summary>Creates a generation of the test model, makes it live, returns its name.</summary>
    protected async Task<string> CreateLiveGenerationAsync()
    {
        var generation = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.ActivateGenerationAsync(generation.Name, Token);
        return generation.Name;
    }

    /// <summary>A live generation holding the catalogue.</summary>
    protected async Task<string> SeedAsync()
    {
        var generation = await CreateLiveGenerationAsync();
        await Index.UpsertAsync(null, [.. Catalogue.Select(Record)], Token);
        return generation;
    }

    protected async Task<IReadOnlyList<string>> SearchIdsAsync(ProductFilter? filter, int limit = 10, int offset = 0)
    {
        var hits = (await Index.SearchAsync(null, new ProductQuery(QueryE0, filter, limit, offset), Token)).Hits;
        return [.. hits.Select(h => h.Product.Id)];
    }

    /// <summary>The record of a catalogue product: its vector and a hash derived from its id.</summary>
    protected static IndexRecord Record(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var rank = int.Parse(product.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        return new IndexRecord(product, VectorOf(rank), Hash(product.Id));
    }

    protected static string Hash(string productId) => "hash-of-" + productId;

    /// <summary>The unit vector of catalogue product <c>p{rank}</c>: 8·rank degrees from e0, towards an axis of its own.</summary>
    protected static float[] VectorOf(int rank)
    {
        var angle = rank * 8 * Math.PI / 180;
        var vector = new float[Dimensions];
        vector[0] = (float)Math.Cos(angle);
        vector[1 + (rank % (Dimensions - 1))] = (float)Math.Sin(angle);
        return vector;
    }

    protected static float ExpectedScore(int rank) => (float)Math.Cos(rank * 8 * Math.PI / 180);

    protected static float[] Axis(int axis, float length = 1f)
    {
        var vector = new float[Dimensions];
        vector[axis] = length;
        return vector;
    }

    protected static float Dot(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    protected static void AssertVectorsEqual(float[] expected, float[] actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], ScoreTolerance);
        }
    }

    protected static IndexRecord Generated(string prefix, int i)
    {
        var vector = new float[Dimensions];
        vector[0] = 1;
        vector[1 + (i % (Dimensions - 1))] = 0.01f * (i + 1);
        var product = new Product { Id = $"{prefix}-{i:D3}", Title = $"{prefix} {i}", Brand = "shared" };
        return new IndexRecord(product, vector, Hash(product.Id));
    }
}
