using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VectorIndexer.Worker;
using VectorIndexer.Worker.CrashHost;
using VectorIndexer.Worker.Feeds;

// Usage: VectorIndexer.Worker.CrashHost <data-directory> <feed.jsonl> [--enqueue] [--delay-ms N] [--storage-redelivery]
// --storage-redelivery: no requeue of orphaned jobs at start; rely on the SQLite storage's
// invisibility timeout (5 s here) to fetch a killed job again.
// Prints "job <id>" when it enqueued a reindex, then "ready"; runs until killed.
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: VectorIndexer.Worker.CrashHost <data-directory> <feed.jsonl> [--enqueue] [--delay-ms N]");
    return 2;
}

var dataDirectory = args[0];
var feed = args[1];
var enqueue = args.Contains("--enqueue");
var storageRedelivery = args.Contains("--storage-redelivery");
var delayIndex = Array.IndexOf(args, "--delay-ms");
var delay = delayIndex > 0 ? TimeSpan.FromMilliseconds(int.Parse(args[delayIndex + 1], CultureInfo.InvariantCulture)) : TimeSpan.Zero;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    ContentRootPath = dataDirectory,
    EnvironmentName = Environments.Production,
    DisableDefaults = true,
});
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Worker:DataDirectory"] = "worker",
    ["Worker:WorkerCount"] = "1",
    ["Worker:QueuePollInterval"] = "00:00:00.200",
    // SQLite storage re-delivers a job whose process died once this has passed since it was fetched.
    ["Worker:InvisibilityTimeout"] = storageRedelivery ? "00:00:05" : null,
    ["Worker:RequeueOrphanedJobsAtStart"] = storageRedelivery ? "false" : "true",
    ["Worker:BatchSize"] = "8",
    ["Worker:RetryBaseDelay"] = "00:00:00",
    ["Index:Embedded:DataDirectory"] = "index",
    ["Embedding:Device"] = "Cpu",
});
builder.Services.AddEmbedding();
builder.Services.AddEmbeddedProductIndex();
builder.Services.AddSingleton<ICatalogFeedSource>(new JsonlFeedSource(delay));
builder.Services.AddIndexingWorker();

using var host = builder.Build();
await host.StartAsync();
if (enqueue)
{
    var jobId = await host.Services.GetRequiredService<IndexingJobScheduler>().EnqueueReindexAsync(feed);
    Console.WriteLine($"job {jobId}");
}

Console.WriteLine("ready");
await host.WaitForShutdownAsync();
return 0;
