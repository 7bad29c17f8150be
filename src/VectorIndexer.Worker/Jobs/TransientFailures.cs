using Microsoft.Data.Sqlite;
using Npgsql;

namespace VectorIndexer.Worker.Jobs;

/// <summary>Which failures are worth retrying: the network, the disk, timeouts, a busy database, an index that is not reachable.</summary>
public static class TransientFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>Whether <paramref name="exception"/> (or what it wraps) is transient. Everything else fails the job at once.</summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case IndexingJobException:
                case ArgumentException:
                case FileNotFoundException:
                case DirectoryNotFoundException:
                case UnauthorizedAccessException:
                    return false;
                case HttpRequestException:
                case TimeoutException: // Hangfire's DistributedLockTimeoutException (a reindex already running) is one.
                case IOException:
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                case NpgsqlException { IsTransient: true }:
                    return true;
                case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                    return aggregate.InnerExceptions.All(IsTransient);
                default:
                    // The Qdrant store wraps an unreachable server in QdrantUnavailableException; matched
                    // by name so the worker needs no reference to the Qdrant project.
                    if (e.GetType().Name is "QdrantUnavailableException")
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>Delay before retry <paramref name="attempt"/> (1-based): the base doubled each time, at most an hour.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 16));
        return TimeSpan.FromSeconds(Math.Min(baseDelay.TotalSeconds * factor, 3600));
    }
}
