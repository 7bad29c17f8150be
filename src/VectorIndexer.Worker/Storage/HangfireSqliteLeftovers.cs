using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VectorIndexer.Worker.Storage;

/// <summary>
/// What a dead worker left in Hangfire's SQLite storage (Hangfire.Storage.SQLite 0.4.3), read and
/// cleared through the storage's own tables. Called only before this process's job server starts,
/// under the storage's one-worker-process rule, so whatever is held there belongs to a process that
/// is gone.
/// </summary>
internal static class HangfireSqliteLeftovers
{
    /// <summary>
    /// Jobs shown as fetched from a queue while their state is still Enqueued: a worker took them and
    /// died before moving them to Processing. Read from the JobQueue and Job tables because the
    /// monitoring API's <c>FetchedJobs</c> throws once a job has two fetched entries (fetched,
    /// requeued, fetched again), which is exactly the case after two kills. The caller requeues
    /// them through Hangfire.
    /// </summary>
    public static IReadOnlyList<string> EnqueuedButFetched(string hangfireDatabase) =>
        Query(hangfireDatabase, SqliteOpenMode.ReadOnly, """
            SELECT DISTINCT q.JobId FROM JobQueue q JOIN Job j ON j.Id = q.JobId
            WHERE q.FetchedAt IS NOT NULL AND j.StateName = 'Enqueued'
            ORDER BY q.JobId
            """, reader => reader.GetInt64(0).ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Deletes every distributed lock row; returns the resources that were held. A live holder renews
    /// its row's expiry by a heartbeat; a killed one leaves the row until that expiry (30 s by
    /// default), and a reindex requeued at start waited that long behind its own
    /// <c>DisableConcurrentExecution</c> lock, then failed and waited for its retry.
    /// </summary>
    public static IReadOnlyList<string> ReleaseLocks(string hangfireDatabase) =>
        [.. Query(hangfireDatabase, SqliteOpenMode.ReadWrite, "DELETE FROM DistributedLock RETURNING Resource",
            reader => reader.IsDBNull(0) ? "(unnamed)" : reader.GetString(0)).Order(StringComparer.Ordinal)];

    private static List<string> Query(string hangfireDatabase, SqliteOpenMode mode, string sql, Func<SqliteDataReader, string> read)
    {
        if (!File.Exists(hangfireDatabase))
        {
            return [];
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = hangfireDatabase,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                values.Add(read(reader));
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            // SQLITE_ERROR: no such table yet (a storage that has never enqueued a job or taken a lock).
            return [];
        }

        return values;
    }
}
