using VectorIndexer.Worker;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddEmbedding();
builder.AddProductIndex();
builder.Services.AddIndexingWorker();
builder.Services.AddHealthChecks()
    .AddIndexingWorkerChecks()
    .AddProductIndexCheck(WorkerHealthEndpointExtensions.ReadyTag);

var app = builder.Build();

app.MapWorkerHealth();
app.MapIndexingDashboard();
app.Services.GetRequiredService<IndexingJobScheduler>().ConfigureRecurringReindex();

await app.RunAsync();

/// <summary>The worker host's entry point (public for WebApplicationFactory tests).</summary>
public partial class Program;
