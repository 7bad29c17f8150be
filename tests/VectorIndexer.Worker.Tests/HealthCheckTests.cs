using Hangfire;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker.Health;

namespace VectorIndexer.Worker.Tests;

/// <summary>The worker's readiness checks on their own: the job storage and the model.</summary>
public sealed class HealthCheckTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JobStorageCheck_WhenTheStorageAnswers_IsHealthy()
    {
        using var storage = new InMemoryStorage();
        var check = new JobStorageHealthCheck(storage, new ListLogger<JobStorageHealthCheck>());

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Token);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task JobStorageCheck_WhenTheStorageFails_IsUnhealthy_AndOnlyTheLogSaysWhy()
    {
        var logger = new ListLogger<JobStorageHealthCheck>();
        var check = new JobStorageHealthCheck(new UnreachableStorage(), logger);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Token);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.DoesNotContain(UnreachableStorage.Reason, result.Description, StringComparison.Ordinal);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Warning, 4021), (entry.Level, entry.Id.Id));
        Assert.Contains("job storage", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobStorageCheck_WhenTheStorageHangs_GivesUpWhenItsTokenFires()
    {
        using var release = new ManualResetEventSlim();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var check = new JobStorageHealthCheck(new HangingStorage(release), new ListLogger<JobStorageHealthCheck>());
        try
        {
            timeout.CancelAfter(TimeSpan.FromMilliseconds(200));

            var probe = check.CheckHealthAsync(new HealthCheckContext(), timeout.Token);

            // The health check service turns this cancellation into "Unhealthy: timed out".
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.WaitAsync(TimeSpan.FromSeconds(10), Token));
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task ModelCheck_WithTheModelLoaded_IsHealthyNamingIt()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<IProductEmbedder>(new StubEmbedder())
            .BuildServiceProvider();
        var check = new EmbeddingModelHealthCheck(services, new ListLogger<EmbeddingModelHealthCheck>());

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Token);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("stub-model", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelCheck_WhenTheModelCannotBeLoaded_IsUnhealthy()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<IProductEmbedder>(_ => throw new FileNotFoundException("model.onnx is missing"))
            .BuildServiceProvider();
        var logger = new ListLogger<EmbeddingModelHealthCheck>();
        var check = new EmbeddingModelHealthCheck(services, logger);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), Token);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.DoesNotContain("model.onnx", result.Description, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("embedding model", StringComparison.Ordinal));
    }

    private sealed class StubEmbedder : IProductEmbedder
    {
        public IndexModel Model { get; } = new("stub-model", 3);

        public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class UnreachableStorage : JobStorage
    {
        public const string Reason = "could not connect to server: Connection refused (db.test:5432)";

        public override IMonitoringApi GetMonitoringApi() => throw new InvalidOperationException(Reason);

        public override IStorageConnection GetConnection() => throw new InvalidOperationException(Reason);
    }

    private sealed class HangingStorage(ManualResetEventSlim release) : JobStorage
    {
        public override IMonitoringApi GetMonitoringApi() => throw new NotSupportedException();

        public override IStorageConnection GetConnection()
        {
            // Bounded: a test that forgets to release cannot hold a thread for long.
            release.Wait(TimeSpan.FromSeconds(30));
            throw new TimeoutException("The connection attempt timed out.");
        }
    }
}
