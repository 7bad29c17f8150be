using VectorIndexer.Core;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Worker.Tests;

public sealed class StoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PendingBatchStore_Reopened_ReturnsTheStoredBatchesInOrder()
    {
        var path = Path.Combine(_directory.Path, "batches.db");
        var product = new Product
        {
            Id = "sku-1",
            Title = "Kettle",
            Bullets = ["1.7 litres", "Auto off"],
            Category = ["Home", "Kitchen"],
            Price = 39.95m,
            InStock = true,
            Attributes = new Dictionary<string, string> { ["material"] = "steel" },
        };
        PendingBatch upsert, delete;
        var first = new PendingBatchStore(path);
        upsert = await first.AddUpsertAsync([product], Token);
        delete = await first.AddDeleteAsync(["sku-2", "sku-3"], Token);

        var reopened = new PendingBatchStore(path);
        var read = await reopened.GetAsync(upsert.Id, Token);
        var list = await reopened.ListAfterAsync(0, cancellationToken: Token);

        Assert.NotNull(read);
        Assert.Equal(PendingBatchKind.Upsert, read.Kind);
        var stored = Assert.Single(read.Products);
        Assert.Equal(product.Title, stored.Title);
        Assert.Equal(product.Bullets, stored.Bullets);
        Assert.Equal(product.Category, stored.Category);
        Assert.Equal(39.95m, stored.Price);
        Assert.Equal("steel", stored.Attributes["material"]);
        Assert.Equal([upsert.Id, delete.Id], list.Select(b => b.Id));
        Assert.True(list[0].Sequence < list[1].Sequence);
        Assert.Equal(["sku-2", "sku-3"], list[1].ProductIds);
        Assert.Equal(delete.Sequence, await reopened.GetLastSequenceAsync(Token));
        Assert.Equal([delete.Id], (await reopened.ListAfterAsync(upsert.Sequence, cancellationToken: Token)).Select(b => b.Id));
    }

    [Fact]
    public async Task PendingBatchStore_MarkApplied_SurvivesReopenAndPurgeRemovesOnlyApplied()
    {
        var path = Path.Combine(_directory.Path, "batches.db");
        var store = new PendingBatchStore(path);
        var applied = await store.AddDeleteAsync(["a"], Token);
        var pending = await store.AddDeleteAsync(["b"], Token);
        await store.MarkAppliedAsync(applied.Id, Token);

        var reopened = new PendingBatchStore(path);
        Assert.NotNull((await reopened.GetAsync(applied.Id, Token))!.AppliedAt);
        Assert.Null((await reopened.GetAsync(pending.Id, Token))!.AppliedAt);
        Assert.Equal(1, await reopened.PurgeAppliedAsync(DateTimeOffset.UtcNow.AddMinutes(1), Token));
        Assert.Null(await reopened.GetAsync(applied.Id, Token));
        Assert.NotNull(await reopened.GetAsync(pending.Id, Token));
    }

    [Fact]
    public async Task PendingBatchStore_EmptyBatch_IsRefused()
    {
        var store = new PendingBatchStore(Path.Combine(_directory.Path, "batches.db"));

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddUpsertAsync([], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddDeleteAsync(["ok", " "], Token));
    }

    [Fact]
    public async Task JobStatusStore_Reopened_ReturnsEveryField()
    {
        var path = Path.Combine(_directory.Path, "jobs.db");
        var status = new JobStatus
        {
            JobId = "42",
            Kind = JobKind.FullReindex,
            State = JobState.Running,
            Processed = 1200,
            Total = 5000,
            Accepted = 1190,
            Rejected = 10,
            RatePerSecond = 123.5,
            Eta = TimeSpan.FromSeconds(31),
            Message = "halfway",
            BadRecords = [new RejectedRecord(7, "missing title"), new RejectedRecord(19, "price is not a number")],
            Generation = "gen-3",
            FeedLocation = "/feeds/catalog.jsonl",
            ChangeSequence = 17,
        };
        var saved = await new JobStatusStore(path).SaveAsync(status, Token);

        var read = await new JobStatusStore(path).GetAsync("42", Token);

        Assert.NotNull(read);
        Assert.Equal(saved with { BadRecords = read.BadRecords }, read);
        Assert.Equal(status.BadRecords, read.BadRecords);
        Assert.Null(read.FinishedAt);
        Assert.Null(await new JobStatusStore(path).GetAsync("43", Token));
    }

    [Fact]
    public async Task JobStatusStore_TryCreate_DoesNotOverwriteAStatusTheJobAlreadyWrote()
    {
        var store = new JobStatusStore(Path.Combine(_directory.Path, "jobs.db"));
        await store.SaveAsync(new JobStatus { JobId = "7", Kind = JobKind.Upsert, State = JobState.Succeeded }, Token);

        var created = await store.TryCreateAsync(new JobStatus { JobId = "7", Kind = JobKind.Upsert }, Token);

        Assert.False(created);
        var read = await store.GetAsync("7", Token);
        Assert.Equal(JobState.Succeeded, read!.State);
        Assert.NotNull(read.FinishedAt);
        Assert.Empty(await store.ListUnfinishedAsync(JobKind.Upsert, Token));
    }

    public void Dispose() => _directory.Dispose();
}
