using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// A process that only enqueues (AddIndexingClient) on SQLite storage accepts work that only a worker
/// sharing its data folder on the same machine runs: it says so at start, outside Development.
/// </summary>
public sealed class ClientStorageWarningTests : IDisposable
{
    private const int ClientWithoutLocalWorker = 4025;
    private readonly TempDirectory _directory = new();
    private readonly ListLogger<IndexingClientStorageCheck> _log = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddIndexingClient_SqliteInProduction_WarnsNamingTheSettingsToChange()
    {
        await StartAsync(s => s.AddIndexingClient(), Environments.Production);

        var warning = Assert.Single(_log.Entries, e => e.Id.Id == ClientWithoutLocalWorker);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Worker:Storage=postgresql", warning.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Hangfire", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Worker:DataDirectory", warning.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_directory.Path, "data", "worker"), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddIndexingClient_SqliteInDevelopment_DoesNotWarn()
    {
        await StartAsync(s => s.AddIndexingClient(), Environments.Development);

        Assert.DoesNotContain(_log.Entries, e => e.Id.Id == ClientWithoutLocalWorker);
    }

    [Fact]
    public async Task AddIndexingWorker_SqliteInProduction_DoesNotWarn()
    {
        await StartAsync(s => s.AddIndexingWorker(), Environments.Production);

        Assert.DoesNotContain(_log.Entries, e => e.Id.Id == ClientWithoutLocalWorker);
    }

    [Fact]
    public async Task AddIndexingClient_PostgreSqlInProduction_DoesNotWarn()
    {
        await StartAsync(
            s => s.AddIndexingClient(),
            Environments.Production,
            new() { ["Worker:Storage"] = "postgresql", ["ConnectionStrings:Hangfire"] = "Host=127.0.0.1;Port=1;Username=nobody" });

        Assert.DoesNotContain(_log.Entries, e => e.Id.Id == ClientWithoutLocalWorker);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Builds the container as a host would and starts the check (only it: nothing else needs to run).</summary>
    private async Task StartAsync(Action<IServiceCollection> add, string environment, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(environment) { ContentRootPath = _directory.Path });
        services.AddSingleton<IProductIndex>(EmbeddedProductIndex.CreateInMemory());
        add(services);
        services.AddSingleton<ILogger<IndexingClientStorageCheck>>(_log);
        await using var provider = services.BuildServiceProvider();

        var check = Assert.Single(provider.GetServices<IHostedService>().OfType<IndexingClientStorageCheck>());
        await check.StartAsync(Token);
    }
}
