using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.App.StartupIndexing;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.App.Tests;

/// <summary>What a start decides after the previous process ended at an awkward moment.</summary>
public sealed class RestartTests : IDisposable
{
    private const string Key = "restart-test-key-0123456789abcdef";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-app-restart-");

    public void Dispose() => _data.Delete(recursive: true);

    /// <summary>
    /// The state a kill leaves between a start-up reindex's switch and the writes after it: the job's
    /// status still says running (its generation is live) and the start-up record is the one written
    /// when the job was enqueued. The next start must see the catalogue as indexed, not rebuild it from
    /// the feed, which would drop a product pushed after the switch.
    /// </summary>
    [Fact]
    public async Task KilledAfterTheSwitch_BeforeTheRecord_NextStartKeepsTheLiveGenerationAndThePushes()
    {
        var token = TestContext.Current.CancellationToken;
        var settings = new Dictionary<string, string> { ["Api:ApiKey"] = Key };
        var recordPath = Path.Combine(_data.FullName, StartupIndexRecord.FileName);
        string generation;
        await using (var first = new AppHost(_data.FullName, settings))
        {
            using var client = first.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", Key);
            var status = await first.WaitForStartupIndexingAsync(client, TimeSpan.FromMinutes(5), token);
            Assert.Equal(StartupIndexingStatus.Ready, status.Phase);
            generation = status.Generation!;

            using var push = await client.PostAsJsonAsync(
                "/api/products",
                new[] { new Core.Product { Id = "pushed-after-switch", Title = "Hand-thrown stoneware teapot with bamboo handle" } },
                token);
            Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
            await WaitForProductAsync(client, "pushed-after-switch", token);

            var statuses = first.Factory.Services.GetRequiredService<JobStatusStore>();
            var job = await statuses.GetAsync(status.JobId!, token);
            Assert.Equal(generation, job!.Generation);
            await statuses.SaveAsync(job with { State = JobState.Running, FinishedAt = null, Message = null }, token);
        }

        var completed = await StartupIndexRecord.ReadAsync(recordPath, token);
        Assert.Equal(generation, completed!.Generation);
        await (completed with { Generation = null, Products = 0 }).WriteAsync(recordPath, token);

        await using var second = new AppHost(_data.FullName, settings);
        using var again = second.CreateClient();
        var restarted = await second.WaitForStartupIndexingAsync(again, TimeSpan.FromMinutes(5), token);

        Assert.Equal(StartupIndexingStatus.Ready, restarted.Phase);
        Assert.Null(restarted.JobId);
        Assert.Equal(generation, restarted.Generation);
        using var kept = await again.GetAsync(new Uri("/api/products/pushed-after-switch", UriKind.Relative), token);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(generation, (await StartupIndexRecord.ReadAsync(recordPath, token))!.Generation);
    }

    private static async Task WaitForProductAsync(HttpClient client, string id, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/api/products/" + Uri.EscapeDataString(id), UriKind.Relative), limit.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(200, limit.Token);
        }
    }
}
