using Microsoft.Data.Sqlite;
using VectorIndexer.Core;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Embedded.Tests;

/// <summary>The embedded index's lexical side across restarts: what is rebuilt at load, with which settings.</summary>
public sealed class LexicalIndexTests : IDisposable
{
    private static readonly IndexModel Model = new("lexical-model", 4);
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    private static readonly Product[] Products =
    [
        new() { Id = "a", Title = "Trail running shoes", Brand = "Stride", Description = "Light shoes for rocky trails.", Color = "blue" },
        new() { Id = "b", Title = "Running socks, 3 pairs", Brand = "Stride", Bullets = ["Cushioned", "Breathable"] },
        new() { Id = "c", Title = "Hiking boots", Brand = "Peak", Description = "Waterproof leather boots for trails and running water.", Color = "brown" },
        new() { Id = "d", Title = "Café espresso cups", Brand = "Crema", Color = "white" },
    ];

    [Fact]
    public async Task Reopen_GivesIdenticalLexicalAndHybridResults()
    {
        var queries = new[]
        {
            Query(SearchMode.Lexical, "running shoes"),
            Query(SearchMode.Lexical, "trail") with { Filter = ProductFilter.Equal(ProductSchema.Brand, "Peak") },
            Query(SearchMode.Hybrid, "stride running"),
            Query(SearchMode.Hybrid, "cafe cups") with { Limit = 2, Offset = 1 },
        };
        var before = new List<List<(string, float)>>();
        using (var index = Open(new LexicalOptions()))
        {
            await SeedAsync(index);
            await index.UpsertAsync(null, [Record(Products[1] with { Title = "Running socks, 5 pairs" }, 1)], Token);
            await index.DeleteAsync(null, ["d"], Token);
            foreach (var query in queries)
            {
                before.Add([.. ((await index.SearchAsync(null, query, Token)).Hits).Select(h => (h.Product.Id, h.Score))]);
            }
        }

        using var reopened = Open(new LexicalOptions());
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(before[i], ((await reopened.SearchAsync(null, queries[i], Token)).Hits).Select(h => (h.Product.Id, h.Score)));
        }

        Assert.Equal(["a", "b", "c"], before[0].Select(h => h.Item1).Order());
        Assert.Equal(["c"], before[1].Select(h => h.Item1));
    }

    [Fact]
    public async Task Reopen_WithChangedSettings_KeepsTheGenerationsOwn_AndNewGenerationsTakeTheNewOnes()
    {
        // Built without stemming: "shoe" does not match "shoes".
        using (var index = Open(new LexicalOptions { Stemming = false }))
        {
            await SeedAsync(index);
            Assert.Empty((await index.SearchAsync(null, Query(SearchMode.Lexical, "shoe"), Token)).Hits);
        }

        using var reopened = Open(new LexicalOptions { Stemming = true });
        Assert.Empty((await reopened.SearchAsync(null, Query(SearchMode.Lexical, "shoe"), Token)).Hits);

        var fresh = await reopened.CreateGenerationAsync(Model, Token);
        await reopened.UpsertAsync(fresh.Name, [.. Products.Select(Record)], Token);
        Assert.Equal(["a"], ((await reopened.SearchAsync(fresh.Name, Query(SearchMode.Lexical, "shoe"), Token)).Hits).Select(h => h.Product.Id));
    }

    [Fact]
    public async Task Open_ADatabaseOfSchemaVersion1_AddsTheSettingsColumn_AndSearchesLexicallyWithTheCurrentSettings()
    {
        using (var index = Open(new LexicalOptions()))
        {
            await SeedAsync(index);
        }

        // Turn the file back into what version 1 wrote: no lexical column, user_version 1.
        var path = Path.Combine(_directory.Path, "index.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE generations DROP COLUMN lexical; PRAGMA user_version = 1;";
            command.ExecuteNonQuery();
        }

        using var reopened = Open(new LexicalOptions());
        Assert.Equal(["a"], ((await reopened.SearchAsync(null, Query(SearchMode.Lexical, "shoe"), Token)).Hits).Select(h => h.Product.Id));
        await reopened.CreateGenerationAsync(Model, Token);
    }

    [Fact]
    public void Open_WithInvalidLexicalSettings_FailsNamingTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => Open(new LexicalOptions { B = 2 }));

        Assert.Contains("Index:Embedded:Lexical:B", ex.Message, StringComparison.Ordinal);
    }

    private EmbeddedProductIndex Open(LexicalOptions lexical) =>
        new(new EmbeddedIndexOptions { DataDirectory = _directory.Path, Lexical = lexical });

    private static async Task SeedAsync(EmbeddedProductIndex index)
    {
        var generation = await index.CreateGenerationAsync(Model, Token);
        await index.UpsertAsync(generation.Name, [.. Products.Select(Record)], Token);
        await index.ActivateGenerationAsync(generation.Name, Token);
    }

    private static IndexRecord Record(Product product, int i)
    {
        var vector = new float[4];
        vector[i % 4] = 1;
        vector[(i + 1) % 4] = 0.5f;
        return new IndexRecord(product, vector, "h-" + product.Id);
    }

    private static ProductQuery Query(SearchMode mode, string text) => new([1, 0.2f, 0, 0]) { Mode = mode, Text = text };
}
