using Microsoft.Data.Sqlite;

namespace VectorIndexer.Worker.Storage;

/// <summary>Opens connections to one SQLite file in WAL mode with full synchronous commits.</summary>
internal sealed class SqliteFile
{
    private readonly string _connectionString;

    public SqliteFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // A commit returns once it is on disk; wait for other writers instead of failing at once.
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed statements of this assembly, no input.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }

    /// <summary>Adds a column to a table of a file written by an earlier version (SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>).</summary>
    public static void AddColumnIfMissing(SqliteConnection connection, string table, string column, string definition)
    {
        using (var info = connection.CreateCommand())
        {
#pragma warning disable CA2100 // Fixed names of this assembly, no input.
            info.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
#pragma warning restore CA2100
            if (Convert.ToInt64(info.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return;
            }
        }

        Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
    }
}
