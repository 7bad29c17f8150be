using System.ComponentModel.DataAnnotations;
using System.Threading.Channels;
using VectorIndexer.Api.Search;

namespace VectorIndexer.Api.Tests;

public sealed class QueryBatchingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IdleBatcher_RunsAQueryAtOnceAndAlone()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 16, consumers: 1);

        var result = batcher.EmbedAsync("usb charger", Token).AsTask();
        var call = await engine.NextCallAsync();

        Assert.Equal(["usb charger"], call.Queries);
        call.Release();
        Assert.Equal(GatedEngine.VectorOf("usb charger"), await Bounded(result));
        Assert.Equal(1, engine.CallCount);
    }

    [Fact]
    public async Task IdleConsumers_RunConcurrentQueriesInSeparateCallsAtOnce()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 16, consumers: 2);

        var first = batcher.EmbedAsync("a", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        var second = batcher.EmbedAsync("b", Token).AsTask();
        var secondCall = await engine.NextCallAsync();

        Assert.Equal(["a"], firstCall.Queries);
        Assert.Equal(["b"], secondCall.Queries);
        secondCall.Release();
        firstCall.Release();
        Assert.Equal(GatedEngine.VectorOf("a"), await Bounded(first));
        Assert.Equal(GatedEngine.VectorOf("b"), await Bounded(second));
    }

    [Fact]
    public async Task QueriesArrivingDuringACall_AreEmbeddedTogetherInTheNextCall_UpToTheBatchSize()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 3, consumers: 1);

        var running = batcher.EmbedAsync("first", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        string[] queries = ["b", "cc", "ddd", "eeee"];
        var queued = queries.Select(q => (Query: q, Result: batcher.EmbedAsync(q, Token).AsTask())).ToArray();
        firstCall.Release();

        var secondCall = await engine.NextCallAsync();
        Assert.Equal(["b", "cc", "ddd"], secondCall.Queries);
        secondCall.Release();
        var thirdCall = await engine.NextCallAsync();
        Assert.Equal(["eeee"], thirdCall.Queries);
        thirdCall.Release();

        Assert.Equal(GatedEngine.VectorOf("first"), await Bounded(running));
        foreach (var (query, result) in queued)
        {
            Assert.Equal(GatedEngine.VectorOf(query), await Bounded(result));
        }

        Assert.Equal(3, engine.CallCount);
    }

    [Fact]
    public async Task BatchedQueries_EachCallerGetsTheVectorOfItsOwnQuery()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 8, consumers: 1);

        var blocker = batcher.EmbedAsync("blocker", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        string[] queries = ["red shoes", "blue shirt", "green hat", "yellow socks", "black belt"];
        var results = queries.Select(q => batcher.EmbedAsync(q, Token).AsTask()).ToArray();
        firstCall.Release();
        var batchCall = await engine.NextCallAsync();
        batchCall.Release();

        Assert.Equal(queries, batchCall.Queries);
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(GatedEngine.VectorOf(queries[i]), await Bounded(results[i]));
        }

        await Bounded(blocker);
    }

    [Fact]
    public async Task IdenticalQueriesInOneBatch_AreEmbeddedOnce()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 8, consumers: 1);

        var blocker = batcher.EmbedAsync("blocker", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        var x1 = batcher.EmbedAsync("x", Token).AsTask();
        var y = batcher.EmbedAsync("y", Token).AsTask();
        var x2 = batcher.EmbedAsync("x", Token).AsTask();
        firstCall.Release();
        var batchCall = await engine.NextCallAsync();
        batchCall.Release();

        Assert.Equal(["x", "y"], batchCall.Queries);
        Assert.Same(await Bounded(x1), await Bounded(x2));
        Assert.Equal(GatedEngine.VectorOf("y"), await Bounded(y));
        await Bounded(blocker);
    }

    [Fact]
    public async Task CancelledQueuedCaller_LeavesAtOnceAndIsDroppedFromTheBatch()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 8, consumers: 1);

        var blocker = batcher.EmbedAsync("blocker", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var cancelled = batcher.EmbedAsync("gone", leaving.Token).AsTask();
        var staying = batcher.EmbedAsync("stay", Token).AsTask();

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(cancelled));
        firstCall.Release();
        var batchCall = await engine.NextCallAsync();
        batchCall.Release();

        Assert.Equal(["stay"], batchCall.Queries);
        Assert.Equal(GatedEngine.VectorOf("stay"), await Bounded(staying));
        await Bounded(blocker);
    }

    [Fact]
    public async Task CallerCancelledDuringItsBatchCall_DoesNotCancelTheCallForTheOthers()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 8, consumers: 1);

        var blocker = batcher.EmbedAsync("blocker", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var cancelled = batcher.EmbedAsync("gone", leaving.Token).AsTask();
        var staying = batcher.EmbedAsync("stay", Token).AsTask();
        firstCall.Release();
        var batchCall = await engine.NextCallAsync();
        Assert.Equal(["gone", "stay"], batchCall.Queries);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(cancelled));
        Assert.False(batchCall.CancellationToken.IsCancellationRequested);
        batchCall.Release();

        Assert.Equal(GatedEngine.VectorOf("stay"), await Bounded(staying));
        await Bounded(blocker);
    }

    [Fact]
    public async Task FailedCall_FailsEveryCallerOfItsBatch_AndTheBatcherGoesOn()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 8, consumers: 1);

        var blocker = batcher.EmbedAsync("blocker", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        var a = batcher.EmbedAsync("a", Token).AsTask();
        var b = batcher.EmbedAsync("b", Token).AsTask();
        firstCall.Release();
        var failingCall = await engine.NextCallAsync();
        var failure = new InvalidOperationException("model failed");
        failingCall.Fail(failure);

        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(a)));
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(b)));
        await Bounded(blocker);

        var after = batcher.EmbedAsync("after", Token).AsTask();
        var nextCall = await engine.NextCallAsync();
        nextCall.Release();
        Assert.Equal(["after"], nextCall.Queries);
        Assert.Equal(GatedEngine.VectorOf("after"), await Bounded(after));
    }

    [Fact]
    public async Task BatchSizeOne_CallsTheEmbedderOncePerQuery_WithoutQueueing()
    {
        var engine = new GatedEngine();
        await using var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 1, consumers: 1);

        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Token);
        string[] queries = ["a", "b", "c"];
        var results = queries.Select(q => (Query: q, Result: batcher.EmbedAsync(q, caller.Token).AsTask())).ToArray();
        var calls = new[] { await engine.NextCallAsync(), await engine.NextCallAsync(), await engine.NextCallAsync() };

        // All three run at once, each alone, with its caller's cancellation.
        Assert.Equal(queries, calls.Select(c => Assert.Single(c.Queries)).Order());
        Assert.All(calls, c => Assert.Equal(caller.Token, c.CancellationToken));
        foreach (var call in calls)
        {
            call.Release();
        }

        foreach (var (query, result) in results)
        {
            Assert.Equal(GatedEngine.VectorOf(query), await Bounded(result));
        }

        Assert.Equal(3, engine.CallCount);
    }

    [Fact]
    public async Task Dispose_FinishesQueuedQueries_ThenRefusesNewOnes()
    {
        var engine = new GatedEngine();
        var batcher = new QueryBatcher(engine.EmbedAsync, batchSize: 8, consumers: 1);

        var blocker = batcher.EmbedAsync("blocker", Token).AsTask();
        var firstCall = await engine.NextCallAsync();
        var queued = batcher.EmbedAsync("queued", Token).AsTask();
        var disposal = batcher.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.EmbedAsync("late", Token).AsTask());
        firstCall.Release();
        var lastCall = await engine.NextCallAsync();
        lastCall.Release();

        await disposal.WaitAsync(Timeout, Token);
        Assert.Equal(["queued"], lastCall.Queries);
        Assert.Equal(GatedEngine.VectorOf("queued"), await Bounded(queued));
        await Bounded(blocker);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void QueryBatchSize_OutOfRange_FailsValidation(int batchSize)
    {
        var options = new SearchOptions { QueryBatchSize = batchSize };

        var errors = new List<ValidationResult>();
        var valid = Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(SearchOptions.QueryBatchSize)));
    }

    private static Task<float[]> Bounded(Task<float[]> result) => result.WaitAsync(Timeout, Token);

    /// <summary>A fake engine: records each call and holds it until the test releases or fails it.</summary>
    private sealed class GatedEngine
    {
        private readonly Channel<Call> _calls = Channel.CreateUnbounded<Call>();
        private int _callCount;

        public int CallCount => Volatile.Read(ref _callCount);

        /// <summary>A vector that differs for every query.</summary>
        public static float[] VectorOf(string query) => query.Select(c => (float)c).Prepend(query.Length).ToArray();

        public Task<float[][]> EmbedAsync(IReadOnlyList<string> queries, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _callCount);
            var call = new Call([.. queries], cancellationToken);
            _calls.Writer.TryWrite(call);
            return call.Completion.Task;
        }

        public async Task<Call> NextCallAsync() =>
            await _calls.Reader.ReadAsync(Token).AsTask().WaitAsync(Timeout, Token);
    }

    private sealed class Call(string[] queries, CancellationToken cancellationToken)
    {
        public string[] Queries { get; } = queries;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<float[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Completion.SetResult(Queries.Select(GatedEngine.VectorOf).ToArray());

        public void Fail(Exception exception) => Completion.SetException(exception);
    }
}
