using System.Diagnostics;
using System.Text;
using System.Text.Json;
using VectorIndexer.Core;
using VectorIndexer.Embedding;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// A worker process SIGKILLed in the middle of a reindex: the live generation stays as it was, and
/// a restarted worker resumes the same generation from its checkpoint and switches to it. The job
/// comes back either by the worker's requeue of orphaned jobs at start (the default; the storage's
/// invisibility timeout left at 3 hours) or by Hangfire's SQLite storage itself, once its
/// invisibility timeout (5 s here) has passed.
/// </summary>
public sealed class CrashResumeTests(EmbedderFixture fixture) : IDisposable
{
    private const int ValidProducts = 150;
    private const int KillAfter = 40;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly TempDirectory _directory = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KilledWorker_MidReindex_FinishesAfterRestartWithEveryValidRecordOnce(bool storageRedelivery)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        var token = timeout.Token;
        var feed = WriteFeed();
        var previous = await SeedLiveGenerationAsync(token);
        var jobs = Path.Combine(_directory.Path, "worker", "jobs.db");

        string jobId;
        JobStatus atKill;
        using (var first = Start(feed, enqueue: true, storageRedelivery))
        {
            try
            {
                jobId = await ReadJobIdAsync(first, token);
                var statuses = new JobStatusStore(jobs);
                atKill = await WaitAsync(statuses, jobId, s => s.Processed >= KillAfter, first, token);
            }
            finally
            {
                // SIGKILL: no shutdown, no cancellation token, no disposal.
                first.Process.Kill(entireProcessTree: true);
                await first.Process.WaitForExitAsync(token);
            }
        }

        Assert.Equal(JobState.Running, atKill.State);
        using (var index = OpenIndex())
        {
            Assert.Equal(previous, (await index.GetLiveGenerationAsync(token))!.Name);
            Assert.Equal(3, await index.CountAsync(null, null, token));
            Assert.Contains(await index.ListGenerationsAsync(token), g => g.Name == atKill.Generation && !g.IsLive);
        }

        JobStatus done;
        using (var second = Start(feed, enqueue: false, storageRedelivery))
        {
            try
            {
                done = await WaitAsync(new JobStatusStore(jobs), jobId, s => s.IsFinished, second, token);
            }
            finally
            {
                second.Process.Kill(entireProcessTree: true);
                await second.Process.WaitForExitAsync(token);
            }
        }

        Assert.True(done.State == JobState.Succeeded, $"the resumed reindex ended {done.State}: {done.Message}");
        Assert.Equal(atKill.Generation, done.Generation);
        Assert.Equal(ValidProducts, done.Accepted);
        Assert.Equal(1, done.Rejected);
        using var reopened = OpenIndex();
        var generations = await reopened.ListGenerationsAsync(token);
        var live = Assert.Single(generations);
        Assert.Equal(done.Generation, live.Name);
        Assert.True(live.IsLive);
        Assert.Equal(ValidProducts, await reopened.CountAsync(null, null, token));
    }

    public void Dispose() => _directory.Dispose();

    private string WriteFeed()
    {
        var path = Path.Combine(_directory.Path, "feed.jsonl");
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var lines = new List<string>();
        for (var i = 1; i <= ValidProducts; i++)
        {
            lines.Add(JsonSerializer.Serialize(Products.Make($"sku-{i}", $"Insulated water bottle, {i} edition", 12 + i, "Acme"), json));
            if (i == 77)
            {
                lines.Add("{ this line is broken");
            }
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    private async Task<string> SeedLiveGenerationAsync(CancellationToken token)
    {
        using var index = OpenIndex();
        var embedder = new OnnxProductEmbedder(fixture.Embedder);
        var generation = await index.CreateGenerationAsync(embedder.Model, token);
        var products = new[] { Products.Make("old-1", "Old kettle"), Products.Make("old-2", "Old toaster"), Products.Make("old-3", "Old blender") };
        var indexer = new ProductIndexer(embedder, new ProductTextComposer(), index, Microsoft.Extensions.Options.Options.Create(new WorkerOptions()));
        await indexer.IndexAsync(generation.Name, products, token);
        await index.ActivateGenerationAsync(generation.Name, token);
        return generation.Name;
    }

    private EmbeddedProductIndex OpenIndex() =>
        new(new EmbeddedIndexOptions { DataDirectory = Path.Combine(_directory.Path, "index") });

    private ChildWorker Start(string feed, bool enqueue, bool storageRedelivery)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "VectorIndexer.Worker.CrashHost.dll");
        Assert.True(File.Exists(host), $"the crash host is built beside the tests ({host})");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(host);
        start.ArgumentList.Add(_directory.Path);
        start.ArgumentList.Add(feed);
        start.ArgumentList.Add("--delay-ms");
        start.ArgumentList.Add("25");
        if (enqueue)
        {
            start.ArgumentList.Add("--enqueue");
        }

        if (storageRedelivery)
        {
            start.ArgumentList.Add("--storage-redelivery");
        }

        return new ChildWorker(Process.Start(start) ?? throw new InvalidOperationException("the crash host did not start"));
    }

    private static async Task<string> ReadJobIdAsync(ChildWorker child, CancellationToken token)
    {
        while (await child.Process.StandardOutput.ReadLineAsync(token) is { } line)
        {
            if (line.StartsWith("job ", StringComparison.Ordinal))
            {
                return line[4..];
            }
        }

        Assert.Fail($"the crash host exited before enqueuing: {child.Errors}");
        return string.Empty;
    }

    private static async Task<JobStatus> WaitAsync(JobStatusStore statuses, string jobId, Func<JobStatus, bool> condition, ChildWorker child, CancellationToken token)
    {
        while (true)
        {
            if (await statuses.GetAsync(jobId, token) is { } status && condition(status))
            {
                return status;
            }

            Assert.False(child.Process.HasExited, $"the crash host exited: {child.Errors}");
            await Task.Delay(50, token);
        }
    }

    private sealed class ChildWorker : IDisposable
    {
        private readonly StringBuilder _errors = new();

        public ChildWorker(Process process)
        {
            Process = process;
            process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        public void Dispose() => Process.Dispose();
    }
}
