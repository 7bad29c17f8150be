namespace VectorIndexer.Core.Security;

/// <summary>
/// Counts failed credential attempts (a wrong API key, wrong dashboard credentials) per client
/// partition and locks a partition out once it has made <see cref="FailedAttemptOptions.PermitLimit"/>
/// failures within one <see cref="FailedAttemptOptions.Window"/>: the window starts at the
/// partition's first failure, and the lock-out lasts until it ends. The caller refuses every request
/// of a locked-out partition that presents credentials, the right ones included, before checking
/// them, so guessing cannot go on. Successful attempts are not counted.
/// </summary>
/// <remarks>
/// Thread-safe. Memory is bounded: at most <see cref="MaxPartitions"/> partitions are tracked, and
/// entries whose window has ended are pruned (at most once a second). While the table is full of
/// live entries, the failures of partitions not in it are counted together in one shared overflow
/// partition, so a flood of addresses cannot escape the limit (though while it lasts, new clients may
/// share the overflow's lock-out). Only partition names are kept, never credentials. Requests of one
/// partition already being checked when it reaches the limit may still complete their check.
/// </remarks>
public sealed class FailedAttemptLimiter
{
    /// <summary>The default of <see cref="MaxPartitions"/>.</summary>
    public const int DefaultMaxPartitions = 10_000;

    private static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Entry _overflow = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private DateTimeOffset _nextPrune;

    public FailedAttemptLimiter(FailedAttemptOptions options, TimeProvider? timeProvider = null, int maxPartitions = DefaultMaxPartitions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PermitLimit, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Window, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartitions, 1);
        PermitLimit = options.PermitLimit;
        Window = options.Window;
        MaxPartitions = maxPartitions;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Failures a partition may make per <see cref="Window"/>.</summary>
    public int PermitLimit { get; }

    /// <summary>The counting window, from a partition's first failure.</summary>
    public TimeSpan Window { get; }

    /// <summary>The most partitions tracked at once (the overflow partition aside).</summary>
    public int MaxPartitions { get; }

    /// <summary>Partitions tracked now, expired ones not yet pruned included.</summary>
    public int TrackedPartitions
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="partition"/> is locked out now; if so, <paramref name="retryAfter"/> is
    /// the time left until its window ends (more than zero).
    /// </summary>
    public bool IsLockedOut(string partition, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var entry = _entries.GetValueOrDefault(partition) ?? (_entries.Count >= MaxPartitions ? _overflow : null);
            if (entry is not null && entry.IsLockedOut(now, PermitLimit))
            {
                retryAfter = entry.WindowEnd - now;
                return true;
            }
        }

        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>Counts a failed attempt of <paramref name="partition"/>; says whether it has started the partition's lock-out.</summary>
    public FailedAttempt RecordFailure(string partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            PruneIfDue(now);
            if (!_entries.TryGetValue(partition, out var entry))
            {
                if (_entries.Count < MaxPartitions)
                {
                    entry = new Entry();
                    _entries.Add(partition, entry);
                }
                else
                {
                    entry = _overflow;
                }
            }

            if (now >= entry.WindowEnd)
            {
                entry.WindowEnd = now + Window;
                entry.Failures = 0;
                entry.LockOutReported = false;
            }

            entry.Failures = Math.Min(entry.Failures + 1, PermitLimit);
            var lockedOut = entry.Failures >= PermitLimit;
            var started = lockedOut && !entry.LockOutReported;
            entry.LockOutReported |= lockedOut;
            return new FailedAttempt(entry.Failures, started, lockedOut ? entry.WindowEnd - now : TimeSpan.Zero);
        }
    }

    private void PruneIfDue(DateTimeOffset now)
    {
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + PruneInterval;
        foreach (var (partition, entry) in _entries)
        {
            if (now >= entry.WindowEnd)
            {
                // Removing while enumerating is allowed for Dictionary<TKey, TValue> since .NET Core 3.0.
                _entries.Remove(partition);
            }
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowEnd { get; set; } = DateTimeOffset.MinValue;

        public int Failures { get; set; }

        /// <summary>Whether the lock-out of the current window has been reported, so it is reported once.</summary>
        public bool LockOutReported { get; set; }

        public bool IsLockedOut(DateTimeOffset now, int permitLimit) => now < WindowEnd && Failures >= permitLimit;
    }
}

/// <summary>The outcome of <see cref="FailedAttemptLimiter.RecordFailure"/>.</summary>
/// <param name="Failures">Failures of the partition in its current window, at most the permit limit.</param>
/// <param name="LockOutStarted">True for the failure that locked the partition out (once per window).</param>
/// <param name="RetryAfter">While locked out, the time left until the window ends; otherwise zero.</param>
public readonly record struct FailedAttempt(int Failures, bool LockOutStarted, TimeSpan RetryAfter);
