using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace VectorIndexer.Worker.Storage;

/// <summary>
/// The worker's own tables in PostgreSQL (pending batches and job statuses), in a schema of their
/// own beside Hangfire's. The schema and tables are created on first use by whichever process
/// comes first: migrations run in one transaction under a transaction-level advisory lock, each
/// is recorded in <c>schema_version</c>, so processes starting together apply each exactly once.
/// </summary>
internal sealed partial class PostgreSqlWorkerDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>The migrations, in order; append only, never edit one that has shipped.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE {schema}.pending_batches (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id text NOT NULL UNIQUE,
            kind text NOT NULL,
            payload text NOT NULL,
            created_at timestamptz NOT NULL,
            applied_at timestamptz NULL);
        CREATE INDEX pending_batches_unapplied ON {schema}.pending_batches (seq) WHERE applied_at IS NULL;
        CREATE TABLE {schema}.job_statuses (
            job_id text PRIMARY KEY,
            kind text NOT NULL,
            state text NOT NULL,
            processed bigint NOT NULL,
            total bigint NULL,
            accepted bigint NOT NULL,
            rejected bigint NOT NULL,
            rate double precision NOT NULL,
            eta_ms bigint NULL,
            message text NULL,
            bad_records text NOT NULL,
            generation text NULL,
            feed_location text NULL,
            batch_id text NULL,
            change_seq bigint NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            finished_at timestamptz NULL);
        CREATE INDEX job_statuses_kind_state ON {schema}.job_statuses (kind, state, created_at);
        """,
        """
        ALTER TABLE {schema}.pending_batches ADD COLUMN applied_generation text NULL;
        """,
        """
        ALTER TABLE {schema}.pending_batches ADD COLUMN parked_at timestamptz NULL, ADD COLUMN park_reason text NULL, ADD COLUMN retry_of bigint NULL;
        CREATE INDEX pending_batches_parked ON {schema}.pending_batches (seq) WHERE parked_at IS NOT NULL;
        """,
        """
        ALTER TABLE {schema}.job_statuses ADD COLUMN feed_version text NULL;
        """,
    ];

    private readonly NpgsqlDataSource _pooled;
    private readonly NpgsqlDataSource _unpooled;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _migrating = new(1, 1);
    private volatile bool _ready;

    public PostgreSqlWorkerDatabase(string connectionString, string schema, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        if (!Identifier().IsMatch(schema ?? string.Empty))
        {
            throw new ArgumentException($"'{schema}' is not a lower-case PostgreSQL identifier.", nameof(schema));
        }

        Schema = schema!;
        _logger = logger ?? NullLogger.Instance;
        _pooled = NpgsqlDataSource.Create(connectionString);

        // Session-level advisory locks live on connections of their own that are closed, never
        // pooled, after use: a lock cannot outlive its holder on an idle pooled connection.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        _unpooled = NpgsqlDataSource.Create(unpooled.ConnectionString);
    }

    /// <summary>The schema of the worker's tables.</summary>
    public string Schema { get; }

    /// <summary>A table of the schema, quoted for SQL.</summary>
    public string Table(string name) => $"\"{Schema}\".{name}";

    /// <summary>Advisory-lock keys are derived in SQL from this text and a purpose.</summary>
    public string LockKey(string purpose) => $"vectorindexer:{Schema}:{purpose}";

    /// <summary>A pooled connection, the tables created first.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _pooled.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>A connection that is closed for real when disposed (for session-level locks).</summary>
    public async Task<NpgsqlConnection> OpenUnpooledAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _unpooled.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Creates the schema and applies pending migrations, once per process; safe with several processes at once.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_ready)
        {
            return;
        }

        await _migrating.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }

            await using var connection = await _pooled.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("key", LockKey("migrate")));
            await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"", cancellationToken);
            await ExecuteAsync(connection, transaction, $"CREATE TABLE IF NOT EXISTS {Table("schema_version")} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
            int current;
            await using (var command = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {Table("schema_version")}", connection, transaction))
            {
                current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }

            for (var version = current + 1; version <= Migrations.Length; version++)
            {
                await ExecuteAsync(connection, transaction, Migrations[version - 1].Replace("{schema}", $"\"{Schema}\"", StringComparison.Ordinal), cancellationToken);
                await ExecuteAsync(connection, transaction, $"INSERT INTO {Table("schema_version")} (version) VALUES (@version)", cancellationToken, ("version", version));
                ClientLog.StoreMigrated(_logger, Schema, version);
            }

            await transaction.CommitAsync(cancellationToken);
            _ready = true;
        }
        finally
        {
            _migrating.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _pooled.DisposeAsync();
        await _unpooled.DisposeAsync();
        _migrating.Dispose();
    }

    public void Dispose()
    {
        _pooled.Dispose();
        _unpooled.Dispose();
        _migrating.Dispose();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
#pragma warning disable CA2100 // Statements of this class; the schema is a validated identifier, values are parameters.
        await using var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
