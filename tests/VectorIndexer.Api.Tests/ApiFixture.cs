using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Embedding;

namespace VectorIndexer.Api.Tests;

/// <summary>
/// Creates query-API hosts over an embedded index and a worker job store in a temporary folder, on the
/// CPU, with the public rate limit off (tests that check it turn it on).
/// </summary>
internal static class ApiHost
{
    /// <summary>A key of the configured length, for tests that use the write endpoints.</summary>
    public const string ApiKey = "test-key-0123456789abcdef";

    public static WebApplicationFactory<Program> Create(string folder) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Index:Provider", "embedded");
            web.UseSetting("Index:Embedded:DataDirectory", Path.Combine(folder, "index"));
            web.UseSetting("Worker:DataDirectory", Path.Combine(folder, "worker"));
            web.UseSetting("Embedding:Device", "cpu");
            web.UseSetting("Search:QueryCacheSize", "64");
            web.UseSetting("Api:RateLimit:PermitLimit", "0");
        });

    /// <summary>Embeds <paramref name="products"/> with the host's model into a new generation and makes it live.</summary>
    public static async Task<string> SeedLiveGenerationAsync(IServiceProvider services, IReadOnlyList<Product> products, CancellationToken cancellationToken)
    {
        var embedder = services.GetRequiredService<OnnxEmbedder>();
        var index = services.GetRequiredService<IProductIndex>();
        var composer = new ProductTextComposer();
        var texts = products.Select(composer.Compose).ToArray();
        var vectors = await embedder.EmbedAsync(texts, EmbeddingPurpose.Document, cancellationToken);
        var generation = await index.CreateGenerationAsync(new IndexModel(embedder.Model.Name, embedder.Dimensions), cancellationToken);
        var records = products.Select((p, i) => new IndexRecord(p, vectors[i], ProductTextComposer.ContentHash(texts[i]))).ToList();
        await index.UpsertAsync(generation.Name, records, cancellationToken);
        await index.ActivateGenerationAsync(generation.Name, cancellationToken);
        return generation.Name;
    }
}

/// <summary>One query API over a live generation of a few products embedded with the real model.</summary>
public sealed class SeededApiFixture : IAsyncLifetime
{
    public static readonly Product Saucepan = new()
    {
        Id = "saucepan-1", Title = "Stainless steel saucepan", Description = "A 2 litre pan with a lid for cooking sauces and soups.",
        Brand = "Kitchenly", Category = ["Home", "Kitchen", "Cookware"], Color = "silver", Price = 39.90m, Currency = "EUR", InStock = true, Rating = 4.4,
    };

    public static readonly Product Headphones = new()
    {
        Id = "headphones-1", Title = "Wireless noise-cancelling headphones", Description = "Over-ear bluetooth headphones with 30 hours of battery.",
        Brand = "Sonora", Category = ["Electronics", "Audio", "Headphones"], Color = "black", Price = 249m, Currency = "EUR", InStock = true, Rating = 4.7,
    };

    public static readonly Product Earbuds = new()
    {
        Id = "earbuds-1", Title = "Bluetooth in-ear earbuds", Description = "Wireless earphones with a charging case and a microphone for calls.",
        Brand = "Acme", Category = ["Electronics", "Audio", "Headphones"], Color = "white", Price = 29.99m, Currency = "EUR", InStock = false, Rating = 3.9,
    };

    public static readonly Product YogaMat = new()
    {
        Id = "yoga-mat-1", Title = "Yoga mat", Description = "Non-slip exercise mat, 6 mm thick, for yoga and pilates.",
        Brand = "Acme", Category = ["Sports", "Fitness"], Color = "purple", Price = 24.50m, Currency = "EUR", InStock = true, Rating = 4.1,
    };

    public static readonly Product Kettle = new()
    {
        Id = "kettle-1", Title = "Electric kettle", Description = "1.7 litre stainless steel kettle that boils water fast.",
        Brand = "Kitchenly", Category = ["Home", "Kitchen", "Appliances"], Color = "silver", Price = 45m, Currency = "EUR", InStock = true, Rating = 4.2,
    };

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-");

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string Generation { get; private set; } = string.Empty;

    public static IReadOnlyList<Product> Products => [Saucepan, Headphones, Earbuds, YogaMat, Kettle];

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var token = timeout.Token;
        Factory = ApiHost.Create(_data.FullName);
        _ = Factory.Server; // starts the host
        Generation = await ApiHost.SeedLiveGenerationAsync(Factory.Services, Products, token);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
