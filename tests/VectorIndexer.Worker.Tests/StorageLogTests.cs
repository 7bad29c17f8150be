using System.Collections.Concurrent;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.Worker.Tests;

/// <summary>What the job layer logs at start says what the process does: only a worker runs job workers.</summary>
public sealed class StorageLogTests : IDisposable
{
    private const int StorageConfigured = 4011;
    private const int ServerConfigured = 4020;
    private readonly TempDirectory _directory = new();
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public void AddIndexingClient_LogsTheJobStorage_AndNoWorkers()
    {
        using var provider = Build(s => s.AddIndexingClient());

        provider.GetRequiredService<JobStorage>();
        _ = provider.GetServices<IHostedService>().ToList();

        var storage = Assert.Single(_logs.Entries, e => e.Id == StorageConfigured);
        Assert.Contains("SQLite job storage", storage.Message, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d+ workers", storage.Message); // its location may name the data folder "worker"
        Assert.DoesNotContain(_logs.Entries, e => e.Id == ServerConfigured);
    }

    [Fact]
    public void AddIndexingWorker_LogsTheJobStorage_AndItsServersWorkerCount()
    {
        using var provider = Build(s => s.AddIndexingWorker(), new() { ["Worker:WorkerCount"] = "3" });

        provider.GetRequiredService<JobStorage>();
        _ = provider.GetServices<IHostedService>().ToList();

        Assert.Single(_logs.Entries, e => e.Id == StorageConfigured);
        var server = Assert.Single(_logs.Entries, e => e.Id == ServerConfigured);
        Assert.StartsWith("Job server runs 3 workers on SQLite job storage", server.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _logs.Dispose();
        _directory.Dispose();
    }

    private ServiceProvider Build(Action<IServiceCollection> add, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        services.AddLogging(logging => logging.AddProvider(_logs));
        services.AddSingleton<IHostEnvironment>(new FakeEnvironment(Environments.Production) { ContentRootPath = _directory.Path });
        services.AddSingleton<IProductIndex>(EmbeddedProductIndex.CreateInMemory());
        add(services);
        return services.BuildServiceProvider();
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(int Id, string Message)> _entries = new();

        public IReadOnlyCollection<(int Id, string Message)> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(_entries);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(int Id, string Message)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((eventId.Id, formatter(state, exception)));
        }
    }
}
