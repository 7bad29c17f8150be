using System.Diagnostics;
using System.Globalization;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.Embedded.CrashWriter;

namespace VectorIndexer.Index.Embedded.Tests;

/// <summary>
/// A real child process writes batches and prints each one the index acknowledged; it is killed
/// with SIGKILL mid-stream, and every acknowledged write must be found when the store reopens.
/// </summary>
public sealed class DurabilityTests : IDisposable
{
    private const int BatchesBeforeKill = 40;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task KilledWriter_EveryAcknowledgedWriteSurvives_AndEachBatchIsAllOrNothing()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        var token = timeout.Token;
        var writer = Path.Combine(AppContext.BaseDirectory, "VectorIndexer.Index.Embedded.CrashWriter.dll");
        Assert.True(File.Exists(writer), $"the crash writer is built beside the tests ({writer})");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add(_directory.Path);

        string? live = null;
        var lastAck = -1;
        var deleted = new List<string>();
        var errors = new System.Text.StringBuilder();
        using (var process = Process.Start(start) ?? throw new InvalidOperationException("the crash writer did not start"))
        {
            process.ErrorDataReceived += (_, e) =>
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
            try
            {
                while (lastAck < BatchesBeforeKill - 1)
                {
                    var line = await process.StandardOutput.ReadLineAsync(token);
                    Assert.True(line is not null, $"the crash writer stopped before the kill: {errors}");
                    var parts = line.Split(' ', 2);
                    switch (parts[0])
                    {
                        case "live":
                            live = parts[1];
                            break;
                        case "ack":
                            lastAck = int.Parse(parts[1], CultureInfo.InvariantCulture);
                            break;
                        case "deleted":
                            deleted.Add(parts[1]);
                            break;
                        default:
                            Assert.Fail($"unexpected output from the crash writer: {line}");
                            break;
                    }
                }
            }
            finally
            {
                // SIGKILL on Unix: no finaliser, no disposal, no flush.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(token);
            }

            // Lines printed between the last read and the kill were acknowledged too.
            var rest = await process.StandardOutput.ReadToEndAsync(token);
            foreach (var line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = line.Split(' ', 2);
                if (parts[0] == "ack")
                {
                    lastAck = int.Parse(parts[1], CultureInfo.InvariantCulture);
                }
                else if (parts[0] == "deleted")
                {
                    deleted.Add(parts[1]);
                }
            }
        }

        using var index = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = _directory.Path });

        Assert.Equal(live, (await index.GetLiveGenerationAsync(token))?.Name);
        var present = 0L;

        // A delete the writer had not yet acknowledged at the kill may or may not have happened.
        var pendingDelete = CrashRecords.Id(lastAck - 1, 0);
        var uncertain = lastAck > 0 && lastAck % CrashRecords.DeleteEvery == 0 && !deleted.Contains(pendingDelete) ? pendingDelete : null;
        for (var batch = 0; batch <= lastAck + 1; batch++)
        {
            var ids = Enumerable.Range(0, CrashRecords.BatchSize).Select(item => CrashRecords.Id(batch, item)).ToList();
            var hashes = await index.GetContentHashesAsync(null, ids, token);
            if (batch > lastAck)
            {
                // The batch in flight at the kill: all of it or none of it.
                Assert.True(hashes.Count is 0 or CrashRecords.BatchSize, $"batch {batch} is half there ({hashes.Count} records)");
                present += hashes.Count;
                continue;
            }

            for (var item = 0; item < CrashRecords.BatchSize; item++)
            {
                var id = CrashRecords.Id(batch, item);
                if (deleted.Contains(id))
                {
                    Assert.False(hashes.ContainsKey(id), $"{id} was deleted (acknowledged) but is back");
                    continue;
                }

                if (id == uncertain && !hashes.ContainsKey(id))
                {
                    continue;
                }

                Assert.True(hashes.TryGetValue(id, out var hash), $"acknowledged record {id} of batch {batch} (last acknowledged {lastAck}) is missing");
                Assert.Equal(CrashRecords.Hash(batch, item), hash);
                present++;
            }
        }

        Assert.Equal(present, await index.CountAsync(null, null, token));
        var probe = CrashRecords.Create(lastAck, 1);
        var stored = await index.GetAsync(null, probe.Product.Id, token);
        Assert.Equal(probe.Product.Title, stored!.Product.Title);
        Assert.Equal(probe.Product.Brand, stored.Product.Brand);
        Assert.Equal(probe.Product.Price, stored.Product.Price);
        Assert.True(deleted.Count >= (BatchesBeforeKill - 1) / CrashRecords.DeleteEvery, $"the writer acknowledged {deleted.Count} deletes");
        var hit = ((await index.SearchAsync(null, new ProductQuery(probe.Vector, Limit: 1), token)).Hits)[0];
        Assert.Equal(probe.Product.Id, hit.Product.Id);
        Assert.Equal(1f, hit.Score, 1e-4f);
    }

    public void Dispose() => _directory.Dispose();
}
