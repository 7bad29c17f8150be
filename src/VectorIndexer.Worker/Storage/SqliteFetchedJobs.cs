using Microsoft.Data.Sqlite;

namespace VectorIndexer.Worker.Storage;

/// <summary>
/// The jobs that Hangfire's SQLite storage (Hangfire.Storage.SQLite 0.4.3) shows as fetched from a
/// queue while their state is still Enqueued: a worker took them and died before moving them to
/// Processing. Read from the storage's own tables (JobQueue, Job) because its monitoring API's
/// <c>FetchedJobs</c> throws once a job has two fetched entries (fetched, requeued, fetched again),
/// which is exactly the case after two kills. Read only; the caller requeues through Hangfire.
/// </summary>
internal static class SqliteFetchedJobs
{
    public static IReadOnlyList<string> EnqueuedButFetched(string hangfireDatabase)
    {
        if (!File.Exists(hangfireDatabase))
        {
            return [];
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = hangfireDatabase,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT DISTINCT q.JobId FROM JobQueue q JOIN Job j ON j.Id = q.JobId
            WHERE q.FetchedAt IS NOT NULL AND j.StateName = 'Enqueued'
            ORDER BY q.JobId
            """;
        var ids = new List<string>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            // SQLITE_ERROR: no such table yet (a storage that has never enqueued anything).
            return [];
        }

        return ids;
    }
}
