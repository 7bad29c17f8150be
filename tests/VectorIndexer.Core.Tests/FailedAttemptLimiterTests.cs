using VectorIndexer.Core.Security;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Core.Tests;

public sealed class FailedAttemptLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Failures_UpToTheLimit_LockOutUntilTheWindowEnds_ReportingTheStartOnce()
    {
        var limiter = Create(permits: 3);

        var first = limiter.RecordFailure("a");
        _time.Advance(TimeSpan.FromSeconds(20));
        var second = limiter.RecordFailure("a");
        var lockedBeforeLimit = limiter.IsLockedOut("a", out _);
        var third = limiter.RecordFailure("a");
        var again = limiter.RecordFailure("a");
        var locked = limiter.IsLockedOut("a", out var retryAfter);
        _time.Advance(TimeSpan.FromSeconds(40));
        var lockedAfterWindow = limiter.IsLockedOut("a", out _);

        Assert.Equal((1, false), (first.Failures, first.LockOutStarted));
        Assert.Equal((2, false), (second.Failures, second.LockOutStarted));
        Assert.False(lockedBeforeLimit);
        Assert.Equal((3, true), (third.Failures, third.LockOutStarted));
        Assert.Equal(TimeSpan.FromSeconds(40), third.RetryAfter); // the window started at the first failure
        Assert.False(again.LockOutStarted);
        Assert.True(locked);
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.False(lockedAfterWindow);
        Assert.Equal(1, limiter.RecordFailure("a").Failures); // a new window
    }

    [Fact]
    public void Partitions_AreCountedApart()
    {
        var limiter = Create(permits: 2);

        limiter.RecordFailure("a");
        limiter.RecordFailure("a");

        Assert.True(limiter.IsLockedOut("a", out _));
        Assert.False(limiter.IsLockedOut("b", out _));
        Assert.Equal(1, limiter.RecordFailure("b").Failures);
    }

    [Fact]
    public void TrackedPartitions_StayUnderTheCap_AndTheRestShareOneOverflowCount()
    {
        var limiter = Create(permits: 3, maxPartitions: 4);

        for (var i = 0; i < 4; i++)
        {
            limiter.RecordFailure($"tracked-{i}");
        }

        var overflow = Enumerable.Range(0, 3).Select(i => limiter.RecordFailure($"flood-{i}")).ToList();

        Assert.Equal(4, limiter.TrackedPartitions);
        Assert.Equal([1, 2, 3], overflow.Select(f => f.Failures));
        Assert.True(overflow[^1].LockOutStarted);
        Assert.True(limiter.IsLockedOut("flood-99", out _)); // an untracked partition while the table is full
        Assert.False(limiter.IsLockedOut("tracked-0", out _)); // tracked partitions keep their own count
    }

    [Fact]
    public void ExpiredPartitions_ArePruned()
    {
        var limiter = Create(permits: 3, maxPartitions: 100);
        for (var i = 0; i < 100; i++)
        {
            limiter.RecordFailure($"client-{i}");
        }

        _time.Advance(Window);
        limiter.RecordFailure("late");

        Assert.Equal(1, limiter.TrackedPartitions);
        Assert.False(limiter.IsLockedOut("late", out _));
    }

    [Fact]
    public void ConcurrentFailures_AreEachCounted()
    {
        var limiter = Create(permits: 1000);

        Parallel.For(0, 2000, i => limiter.RecordFailure($"client-{i % 10}"));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(201, limiter.RecordFailure($"client-{i}").Failures);
        }
    }

    private FailedAttemptLimiter Create(int permits, int maxPartitions = FailedAttemptLimiter.DefaultMaxPartitions) =>
        new(new FailedAttemptOptions { PermitLimit = permits, Window = Window }, _time, maxPartitions);
}
