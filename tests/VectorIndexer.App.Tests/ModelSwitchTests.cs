using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.App.StartupIndexing;
using Microsoft.Extensions.Hosting;

namespace VectorIndexer.App.Tests;

/// <summary>Switching Embedding:Model re-embeds the catalogue through the fingerprint, once.</summary>
public sealed class ModelSwitchTests : IDisposable
{
    private static readonly int CatalogueSize = File.ReadLines(AllInOneHostingExtensions.BundledCataloguePath).Count(line => line.Length > 0);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-app-model-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task SwitchingTheModel_ReindexesWithIt_AndTheNextStartEmbedsNothing()
    {
        var minilm = await StartAsync("minilm");
        var arctic = await StartAsync("arctic-xs");
        var again = await StartAsync("arctic-xs");

        Assert.Equal(CatalogueSize, minilm.Embedded);
        Assert.Equal(CatalogueSize, arctic.Embedded);
        Assert.NotEqual(minilm.Status.Generation, arctic.Status.Generation);
        // On the CPU the default precision (auto) runs the bundled models' int8 copies, named apart.
        Assert.Equal("snowflake-arctic-embed-xs-int8", arctic.Model);
        Assert.Equal("all-MiniLM-L6-v2-int8", minilm.Model);
        Assert.Equal(0, again.Embedded);
        Assert.Equal(arctic.Status.Generation, again.Status.Generation);
        Assert.Equal(CatalogueSize, again.Status.Products);
    }

    private async Task<(StartupIndexingStatus Status, long Embedded, string? Model)> StartAsync(string model)
    {
        var token = TestContext.Current.CancellationToken;
        await using var app = new AppHost(_data.FullName, new Dictionary<string, string> { ["Embedding:Model"] = model, ["Embedding:Device"] = "cpu" });
        using var client = app.CreateClient();
        var status = await app.WaitForStartupIndexingAsync(client, TimeSpan.FromMinutes(5), token);
        Assert.Equal(StartupIndexingStatus.Ready, status.Phase);
        var embedded = app.Factory.Services.GetRequiredService<IndexingCounters>().ProductsEmbedded;
        using var search = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/search?q=coffee+maker&k=1", UriKind.Relative), token));
        return (status, embedded, search.RootElement.GetProperty("model").GetString());
    }
}
