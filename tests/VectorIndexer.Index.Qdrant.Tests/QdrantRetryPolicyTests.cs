using Grpc.Core;

namespace VectorIndexer.Index.Qdrant.Tests;

public sealed class QdrantRetryPolicyTests
{
    private readonly List<TimeSpan> _waits = [];

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.ResourceExhausted)]
    public async Task Execute_TransientFailureThenSuccess_RetriesAndReturnsTheResult(StatusCode status)
    {
        var calls = 0;
        var policy = Policy(maxRetries: 3);

        var result = await policy.ExecuteAsync(
            "query",
            _ => ++calls < 3 ? throw Rpc(status) : Task.FromResult(42),
            TestContext.Current.CancellationToken);

        Assert.Equal(42, result);
        Assert.Equal(3, calls);
        Assert.Equal(2, _waits.Count);
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.AlreadyExists)]
    public async Task Execute_NonTransientFailure_FailsAtOnceWithTheOriginalError(StatusCode status)
    {
        var calls = 0;
        var policy = Policy(maxRetries: 3);

        var ex = await Assert.ThrowsAsync<RpcException>(() => policy.ExecuteAsync<int>(
            "query",
            _ =>
            {
                calls++;
                throw Rpc(status);
            },
            TestContext.Current.CancellationToken));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(1, calls);
        Assert.Empty(_waits);
    }

    [Fact]
    public async Task Execute_OtherExceptions_AreNotRetried()
    {
        var calls = 0;
        var policy = Policy(maxRetries: 3);

        await Assert.ThrowsAsync<InvalidOperationException>(() => policy.ExecuteAsync(
            "upsert",
            _ =>
            {
                calls++;
                throw new InvalidOperationException("boom");
            },
            TestContext.Current.CancellationToken));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Execute_StillFailingAfterEveryRetry_ThrowsUnavailableNamingOperationAndAttempts()
    {
        var calls = 0;
        var policy = Policy(maxRetries: 2);

        var ex = await Assert.ThrowsAsync<QdrantUnavailableException>(() => policy.ExecuteAsync<int>(
            "upsert",
            _ =>
            {
                calls++;
                throw Rpc(StatusCode.Unavailable, "connection refused");
            },
            TestContext.Current.CancellationToken));

        Assert.Equal(3, calls);
        Assert.Equal(2, _waits.Count);
        Assert.Contains("upsert", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unavailable, Assert.IsType<RpcException>(ex.InnerException).StatusCode);
    }

    [Fact]
    public async Task Execute_WithNoRetries_TriesOnce()
    {
        var calls = 0;
        var policy = Policy(maxRetries: 0);

        await Assert.ThrowsAsync<QdrantUnavailableException>(() => policy.ExecuteAsync<int>(
            "count",
            _ =>
            {
                calls++;
                throw Rpc(StatusCode.DeadlineExceeded);
            },
            TestContext.Current.CancellationToken));

        Assert.Equal(1, calls);
        Assert.Empty(_waits);
    }

    [Fact]
    public void DelayFor_GrowsExponentially_UpToTheCap()
    {
        var policy = Policy(maxRetries: 10, jitter: 1.0, baseMs: 100, maxMs: 1000);

        var waits = Enumerable.Range(1, 6).Select(retry => policy.DelayFor(retry).TotalMilliseconds).ToArray();

        Assert.Equal([100, 200, 400, 800, 1000, 1000], waits);
    }

    [Theory]
    [InlineData(0.0, 200)]
    [InlineData(0.5, 300)]
    [InlineData(0.999, 399.8)]
    public void DelayFor_JitterTakesOffUpToHalfTheStep(double jitter, double expectedMs)
    {
        var policy = Policy(maxRetries: 10, jitter: jitter, baseMs: 100, maxMs: 1000);

        Assert.Equal(expectedMs, policy.DelayFor(3).TotalMilliseconds, 3);
    }

    [Fact]
    public void DelayFor_WithRealJitter_StaysWithinBounds()
    {
        var policy = new QdrantRetryPolicy(20, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

        for (var retry = 1; retry <= 40; retry++)
        {
            var wait = policy.DelayFor(retry);
            var step = Math.Min(2000, 100 * Math.Pow(2, retry - 1));
            Assert.InRange(wait.TotalMilliseconds, step / 2, step);
        }
    }

    [Fact]
    public async Task Execute_WithTheRealDelay_WaitsAndSucceeds()
    {
        var calls = 0;
        var policy = new QdrantRetryPolicy(2, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2));

        var result = await policy.ExecuteAsync(
            "health check",
            _ => ++calls == 1 ? throw Rpc(StatusCode.Unavailable) : Task.FromResult("ok"),
            TestContext.Current.CancellationToken);

        Assert.Equal("ok", result);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Execute_CancelledWhileWaiting_StopsRetrying()
    {
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        var policy = new QdrantRetryPolicy(
            5,
            TimeSpan.FromMilliseconds(10),
            TimeSpan.FromMilliseconds(10),
            delay: (wait, token) =>
            {
                cancellation.Cancel();
                return Task.Delay(wait, token);
            });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => policy.ExecuteAsync<int>(
            "query",
            _ =>
            {
                calls++;
                throw Rpc(StatusCode.Unavailable);
            },
            cancellation.Token));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Execute_TransientFailureAfterCancellation_IsNotRetried()
    {
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        var policy = Policy(maxRetries: 5);

        await Assert.ThrowsAsync<RpcException>(() => policy.ExecuteAsync<int>(
            "query",
            _ =>
            {
                calls++;
                cancellation.Cancel();
                throw Rpc(StatusCode.DeadlineExceeded);
            },
            cancellation.Token));

        Assert.Equal(1, calls);
        Assert.Empty(_waits);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Cancelled, false)]
    [InlineData(StatusCode.Unknown, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    public void IsTransient_OnlyForTheThreeRetryableStatuses(StatusCode status, bool expected)
    {
        Assert.Equal(expected, QdrantRetryPolicy.IsTransient(Rpc(status)));
        Assert.False(QdrantRetryPolicy.IsTransient(new TimeoutException()));
    }

    [Fact]
    public void Constructor_RejectsInconsistentSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QdrantRetryPolicy(-1, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QdrantRetryPolicy(1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }

    private QdrantRetryPolicy Policy(int maxRetries, double jitter = 0.5, int baseMs = 100, int maxMs = 2000) =>
        new(
            maxRetries,
            TimeSpan.FromMilliseconds(baseMs),
            TimeSpan.FromMilliseconds(maxMs),
            delay: (wait, _) =>
            {
                _waits.Add(wait);
                return Task.CompletedTask;
            },
            random: () => jitter);

    private static RpcException Rpc(StatusCode status, string detail = "test failure") => new(new Status(status, detail));
}
