using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// Retries a Qdrant call that failed for a transient reason (the server unavailable, a deadline
/// missed, resources exhausted) with bounded exponential backoff and jitter; any other failure is
/// passed on at once. Every operation this index performs is idempotent (deterministic point ids,
/// alias switches that name their target), so a retry cannot apply a change twice.
/// </summary>
public sealed class QdrantRetryPolicy
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Func<double> _random;
    private readonly ILogger _logger;

    /// <param name="maxRetries">Retries after the first attempt (0: none).</param>
    /// <param name="baseDelay">Wait before the first retry; doubled for each further one.</param>
    /// <param name="maxDelay">Upper bound of any one wait.</param>
    /// <param name="logger">Receives a warning per retry.</param>
    /// <param name="delay">How to wait (tests pass one that records instead of sleeping).</param>
    /// <param name="random">Source of jitter in [0, 1).</param>
    public QdrantRetryPolicy(
        int maxRetries,
        TimeSpan baseDelay,
        TimeSpan maxDelay,
        ILogger? logger = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null,
        Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        MaxRetries = maxRetries;
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
        _logger = logger ?? NullLogger.Instance;
        _delay = delay ?? ((wait, token) => Task.Delay(wait, token));
        _random = random ?? Random.Shared.NextDouble;
    }

    public int MaxRetries { get; }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Whether <paramref name="exception"/> is worth retrying.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted };

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): the exponential step
    /// <c>base × 2^(retry-1)</c>, capped at <see cref="MaxDelay"/>, of which a random half is
    /// taken off ("equal jitter") so that many clients do not retry in step.
    /// </summary>
    public TimeSpan DelayFor(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var step = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30)));
        var jitter = Math.Clamp(_random(), 0, 1);
        return TimeSpan.FromTicks((long)(step / 2 + step / 2 * jitter));
    }

    /// <summary>Runs <paramref name="action"/>, retrying transient failures.</summary>
    /// <param name="operation">What is being done, for the log and the final error.</param>
    /// <param name="action">The call.</param>
    /// <param name="cancellationToken">Cancels the call and any wait.</param>
    /// <exception cref="QdrantUnavailableException">Still failing transiently after every retry.</exception>
    public async Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await action(cancellationToken);
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var status = ((RpcException)ex).StatusCode;
                if (attempt > MaxRetries)
                {
                    throw new QdrantUnavailableException(
                        $"Qdrant {operation} failed after {attempt} attempts; the last failure was {status}: {((RpcException)ex).Status.Detail}",
                        ex);
                }

                var wait = DelayFor(attempt);
                Log.Retrying(_logger, operation, status.ToString(), attempt, MaxRetries, wait.TotalMilliseconds);
                await _delay(wait, cancellationToken);
            }
        }
    }

    /// <inheritdoc cref="ExecuteAsync{T}(string, Func{CancellationToken, Task{T}}, CancellationToken)"/>
    public Task ExecuteAsync(string operation, Func<CancellationToken, Task> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ExecuteAsync(
            operation,
            async token =>
            {
                await action(token);
                return true;
            },
            cancellationToken);
    }
}
