using System.Net;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VectorIndexer.App.StartupIndexing;
using VectorIndexer.Worker;

namespace VectorIndexer.App.Tests;

/// <summary>First start, second start and a forced reindex of the bundled catalogue, end to end.</summary>
[Collection(QuickstartGroup.Name)]
public sealed class QuickstartTests(QuickstartFixture fixture, ITestOutputHelper output)
{
    private static readonly int CatalogueSize = File.ReadLines(AllInOneHostingExtensions.BundledCataloguePath).Count(line => line.Length > 0);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void FirstStart_IndexesTheWholeSampleCatalogue_EmbeddingEveryProduct()
    {
        var first = fixture.First;
        output.WriteLine($"First start: {first.Status.Message} ({first.Elapsed.TotalSeconds:F1} s from host start)");

        Assert.Equal(StartupIndexingStatus.Ready, first.Status.Phase);
        Assert.Equal(CatalogueSize, first.Status.Products);
        Assert.Equal(CatalogueSize, first.ProductsEmbedded);
        Assert.Equal(CatalogueSize, first.Status.Embedded);
        Assert.NotNull(first.Status.JobId);
    }

    [Fact]
    public void FirstStart_WhileIndexing_SearchAnswers503_AndTheStatusSaysIndexing()
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fixture.SearchStatusBeforeReady);
        Assert.Equal(StartupIndexingStatus.Indexing, fixture.PhaseBeforeReady);
    }

    [Fact]
    public void FirstStart_PrintsTheAddressesTheDataFolderAndTheProgress()
    {
        var console = fixture.First.Console;

        Assert.Contains("Search page", console, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", console, StringComparison.Ordinal);
        Assert.Contains("Data folder", console, StringComparison.Ordinal);
        Assert.Contains("Indexing the catalogue for the first time", console, StringComparison.Ordinal);
        Assert.Contains($"Index ready: {CatalogueSize} products", console, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondStart_WithTheCatalogueUnchanged_EmbedsNothing_AndStartsNoJob()
    {
        var second = fixture.Second;
        output.WriteLine($"Second start: {second.Status.Message} ({second.Elapsed.TotalSeconds:F1} s from host start)");

        Assert.Equal(StartupIndexingStatus.Ready, second.Status.Phase);
        Assert.Equal(0, second.ProductsEmbedded);
        Assert.Null(second.Status.JobId);
        Assert.Equal(CatalogueSize, second.Status.Products);
        Assert.Equal(fixture.First.Status.Generation, second.Status.Generation);
        Assert.Contains("up to date", second.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_WithIndexAtStartAlways_ReindexesIntoANewGeneration_ReusingEveryVector()
    {
        var third = fixture.Third;
        output.WriteLine($"Forced reindex: {third.Status.Message} ({third.Elapsed.TotalSeconds:F1} s from host start)");

        Assert.Equal(StartupIndexingStatus.Ready, third.Status.Phase);
        Assert.NotNull(third.Status.JobId);
        Assert.NotEqual(fixture.First.Status.Generation, third.Status.Generation);
        Assert.Equal(CatalogueSize, third.Status.Products);
        Assert.Equal(0, third.ProductsEmbedded);
    }

    [Fact]
    public async Task Readiness_IsHealthy_OnceIndexed()
    {
        using var ready = await fixture.Client.GetAsync(new Uri("/health/ready", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public void RecurringReindex_ReadsTheBundledCatalogue_SoTheDashboardsTriggerNowReindexesIt()
    {
        var storage = fixture.App.Factory.Services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();

        var recurring = Assert.Single(connection.GetRecurringJobs(), j => j.Id == IndexingJobScheduler.RecurringReindexId);

        Assert.Equal(AllInOneHostingExtensions.BundledCataloguePath, recurring.Job.Args[0]);
    }
}
