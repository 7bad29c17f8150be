using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Worker.Jobs;

namespace VectorIndexer.Worker.Tests;

public sealed class NeighboursExportJobTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly EmbeddedProductIndex _index = EmbeddedProductIndex.CreateInMemory();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_WritesEveryProductsNeighbours_AndTheNearDuplicateGroups()
    {
        var live = await SeedAsync();
        var job = Job();

        await job.RunAsync(2, sameCategory: false, Token);

        var (neighboursPath, duplicatesPath) = job.PathsFor(live, 2);
        var lines = (await File.ReadAllLinesAsync(neighboursPath, Token)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["mug-1", "mug-2", "plate", "tent"], lines.Select(l => l.GetProperty("id").GetString()));
        var mug = lines[0];
        Assert.Equal("Red mug", mug.GetProperty("title").GetString());
        Assert.Equal(["mug-2", "plate"], mug.GetProperty("neighbours").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.True(mug.GetProperty("neighbours")[0].GetProperty("score").GetDouble() > 0.99);
        var group = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(duplicatesPath, Token))).RootElement;
        Assert.Equal(["mug-1", "mug-2"], group.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(2, group.GetProperty("size").GetInt32());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(neighboursPath)!, "*.partial"));
    }

    [Fact]
    public async Task Run_Cancelled_LeavesThePreviousExportAsItWas()
    {
        var live = await SeedAsync();
        var job = Job();
        await job.RunAsync(1, sameCategory: false, Token);
        var (neighboursPath, _) = job.PathsFor(live, 1);
        var before = await File.ReadAllTextAsync(neighboursPath, Token);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.RunAsync(1, sameCategory: false, cancelled.Token));

        Assert.Equal(before, await File.ReadAllTextAsync(neighboursPath, Token));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(neighboursPath)!, "*.partial"));
    }

    [Fact]
    public async Task Export_CancelledWhileWriting_LeavesNoFileAndThePreviousOneAsItWas()
    {
        var path = Path.Combine(_directory.Path, "n.jsonl");
        await File.WriteAllTextAsync(path, "previous\n", Token);
        using var cancel = new CancellationTokenSource();
        var source = new CancellingSource(cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            VectorIndexer.Worker.Similarity.NeighboursExport.WriteAsync(source, null, new VectorIndexer.Core.Similarity.NeighbourRequest(2), path, (Path.Combine(_directory.Path, "d.jsonl"), 0.9f), 3, null, cancel.Token));

        Assert.True(source.Handed >= 1);
        Assert.Equal("previous\n", await File.ReadAllTextAsync(path, Token));
        Assert.False(File.Exists(Path.Combine(_directory.Path, "d.jsonl")));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.partial"));
    }

    [Fact]
    public async Task Run_DeletesTheExportsOfDroppedGenerations()
    {
        var old = await SeedAsync();
        var job = Job();
        await job.RunAsync(2, sameCategory: true, Token);
        var next = await _index.CreateGenerationAsync(new IndexModel("test", 3), Token);
        await _index.UpsertAsync(next.Name, [Record("cup", "Cup", [1f, 0f, 0f]), Record("jug", "Jug", [1f, 0.1f, 0f])], Token);
        await _index.ActivateGenerationAsync(next.Name, Token);
        await _index.DropGenerationAsync(old, Token);

        await job.RunAsync(2, sameCategory: true, Token);

        Assert.False(File.Exists(job.PathsFor(old, 2, sameCategory: true).Neighbours));
        Assert.True(File.Exists(job.PathsFor(next.Name, 2, sameCategory: true).Neighbours));
        Assert.True(File.Exists(job.PathsFor(next.Name, 2, sameCategory: true).Duplicates));
    }

    [Fact]
    public async Task Run_WithoutALiveGeneration_OrWithAnOutOfRangeK_FailsSayingWhy()
    {
        var noLive = await Assert.ThrowsAsync<IndexingJobException>(() => Job().RunAsync(20, sameCategory: false, Token));
        await SeedAsync();
        var badK = await Assert.ThrowsAsync<IndexingJobException>(() => Job().RunAsync(0, sameCategory: false, Token));

        Assert.Contains("full reindex", noLive.Message, StringComparison.Ordinal);
        Assert.Contains("from 1 to 1000", badK.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _index.Dispose();
        _directory.Dispose();
    }

    private NeighboursExportJob Job() =>
        new(_index, Options.Create(new WorkerOptions()), new WorkerPaths(_directory.Path));

    private async Task<string> SeedAsync()
    {
        var generation = await _index.CreateGenerationAsync(new IndexModel("test", 3), Token);
        await _index.ActivateGenerationAsync(generation.Name, Token);
        await _index.UpsertAsync(null,
        [
            Record("mug-1", "Red mug", [1f, 0.01f, 0f]),
            Record("mug-2", "Red mug, boxed", [1f, 0.02f, 0f]),
            Record("plate", "Plate", [1f, 0.6f, 0f]),
            Record("tent", "Tent", [0f, 0.1f, 1f]),
        ], Token);
        return generation.Name;
    }

    private static IndexRecord Record(string id, string title, float[] vector) =>
        new(new Product { Id = id, Title = title }, vector, "h-" + id);

    /// <summary>Hands out products one at a time and cancels the export after the first.</summary>
    private sealed class CancellingSource(CancellationTokenSource cancel) : VectorIndexer.Core.Similarity.IProductNeighbours
    {
        public int Handed { get; private set; }

        public async IAsyncEnumerable<VectorIndexer.Core.Similarity.ProductNeighbours> NeighboursAsync(string? generation, VectorIndexer.Core.Similarity.NeighbourRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var id in new[] { "a", "b", "c" })
            {
                cancellationToken.ThrowIfCancellationRequested();
                Handed++;
                yield return new(new Product { Id = id, Title = id }, [new("x", 0.99f)]);
                await cancel.CancelAsync();
            }
        }
    }
}
