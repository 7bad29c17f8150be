using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Embedded;

/// <summary>A generation as stored; <c>Lexical</c> is the lexical settings it was created with, null for generations created before schema version 2.</summary>
internal sealed record StoredGeneration(long Key, string Name, IndexModel Model, DateTimeOffset CreatedAt, long Records, LexicalOptions? Lexical);

/// <summary>
/// The durable side of the embedded index: one SQLite database in WAL mode, opened by one process
/// at a time (exclusive locking). Every write is one transaction, committed before the call
/// returns. Vectors are stored as little-endian float32 BLOBs, products as JSON. Not thread-safe:
/// the index serialises writes.
/// </summary>
internal sealed class SqliteIndexStore : IDisposable
{
    public const string FileName = "index.db";
    /// <summary>1: generations, live, records. 2: generations.lexical (the generation's lexical settings as JSON).</summary>
    private const int SchemaVersion = 2;

    private readonly SqliteConnection _connection;

    public SqliteIndexStore(string directory, EmbeddedSynchronousMode synchronous)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The embedded index stores vectors as little-endian floats.");
        }

        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, FileName);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString();
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            Execute("PRAGMA locking_mode = EXCLUSIVE;");
            var journal = Scalar("PRAGMA journal_mode = WAL;");
            if (!string.Equals(journal as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for {DatabasePath} (journal mode {journal}).");
            }

            Execute(synchronous == EmbeddedSynchronousMode.Full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
            CreateSchema();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            _connection.Dispose();
            throw new InvalidOperationException($"The index database {DatabasePath} is open in another process; the embedded index is single-process.", ex);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public string DatabasePath { get; }

    public List<StoredGeneration> LoadGenerations()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            SELECT g.id, g.name, g.model, g.dimensions, g.created_at,
                   (SELECT COUNT(*) FROM records r WHERE r.generation_id = g.id), g.lexical
            FROM generations g ORDER BY g.id;
            """;
        using var reader = command.ExecuteReader();
        var generations = new List<StoredGeneration>();
        while (reader.Read())
        {
            generations.Add(new StoredGeneration(
                reader.GetInt64(0),
                reader.GetString(1),
                new IndexModel(reader.GetString(2), reader.GetInt32(3)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.GetInt64(5),
                reader.IsDBNull(6) ? null : ReadLexical(reader.GetString(6), reader.GetString(1))));
        }

        return generations;
    }

    public long? LoadLiveKey() => Scalar("SELECT generation_id FROM live WHERE id = 1;") is long key ? key : null;

    /// <summary>Streams a generation's records into <paramref name="generation"/>.</summary>
    public void LoadRecords(MemoryGeneration generation)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT product_id, payload, vector, content_hash FROM records WHERE generation_id = $generation;";
        command.Parameters.AddWithValue("$generation", generation.Key);
        using var reader = command.ExecuteReader();
        var dimensions = generation.Model.Dimensions;
        var buffer = new byte[dimensions * sizeof(float)];
        while (reader.Read())
        {
            var productId = reader.GetString(0);
            var product = JsonSerializer.Deserialize(reader.GetString(1), PayloadJsonContext.Default.Product)
                ?? throw new InvalidDataException($"Record '{productId}' of generation '{generation.Name}' has an empty payload.");
            var length = reader.GetBytes(2, 0, null, 0, 0);
            if (length != buffer.Length || !string.Equals(product.Id, productId, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Record '{productId}' of generation '{generation.Name}' is corrupt: {length} vector bytes for {dimensions} dimensions, payload id '{product.Id}'.");
            }

            reader.GetBytes(2, 0, buffer, 0, buffer.Length);
            generation.Load(product, MemoryMarshal.Cast<byte, float>(buffer), reader.GetString(3));
        }
    }

    public async Task<long> InsertGenerationAsync(string name, IndexModel model, DateTimeOffset createdAt, LexicalOptions lexical, CancellationToken cancellationToken)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = Command("INSERT INTO generations (name, model, dimensions, created_at, lexical) VALUES ($name, $model, $dimensions, $created, $lexical) RETURNING id;", transaction);
        command.Parameters.AddWithValue("$lexical", JsonSerializer.Serialize(lexical, PayloadJsonContext.Default.LexicalOptions));
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$model", model.Name);
        command.Parameters.AddWithValue("$dimensions", model.Dimensions);
        command.Parameters.AddWithValue("$created", createdAt.ToUnixTimeMilliseconds());
        var key = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return key;
    }

    public async Task SetLiveAsync(long generationKey, CancellationToken cancellationToken)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = Command("INSERT INTO live (id, generation_id) VALUES (1, $generation) ON CONFLICT (id) DO UPDATE SET generation_id = excluded.generation_id;", transaction);
        command.Parameters.AddWithValue("$generation", generationKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task DeleteGenerationAsync(long generationKey, CancellationToken cancellationToken)
    {
        using var transaction = _connection.BeginTransaction();
        using (var records = Command("DELETE FROM records WHERE generation_id = $generation;", transaction))
        {
            records.Parameters.AddWithValue("$generation", generationKey);
            await records.ExecuteNonQueryAsync(cancellationToken);
        }

        using (var generation = Command("DELETE FROM generations WHERE id = $generation;", transaction))
        {
            generation.Parameters.AddWithValue("$generation", generationKey);
            await generation.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Writes a batch in one transaction; returns once it is committed.</summary>
    public async Task UpsertAsync(long generationKey, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = Command("""
            INSERT INTO records (generation_id, product_id, payload, vector, content_hash)
            VALUES ($generation, $id, $payload, $vector, $hash)
            ON CONFLICT (generation_id, product_id) DO UPDATE
            SET payload = excluded.payload, vector = excluded.vector, content_hash = excluded.content_hash;
            """, transaction);
        command.Parameters.AddWithValue("$generation", generationKey);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var payload = command.Parameters.Add("$payload", SqliteType.Text);
        var vector = command.Parameters.Add("$vector", SqliteType.Blob);
        var hash = command.Parameters.Add("$hash", SqliteType.Text);
        command.Prepare();
        foreach (var record in records)
        {
            id.Value = record.Product.Id;
            payload.Value = JsonSerializer.Serialize(record.Product, PayloadJsonContext.Default.Product);
            vector.Value = MemoryMarshal.AsBytes(record.Vector.AsSpan()).ToArray();
            hash.Value = record.ContentHash;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task DeleteAsync(long generationKey, IReadOnlyList<string> productIds, CancellationToken cancellationToken)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = Command("DELETE FROM records WHERE generation_id = $generation AND product_id = $id;", transaction);
        command.Parameters.AddWithValue("$generation", generationKey);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        command.Prepare();
        foreach (var productId in productIds)
        {
            id.Value = productId;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public void Dispose() => _connection.Dispose();

    private void CreateSchema()
    {
        using var transaction = _connection.BeginTransaction();
        var version = Convert.ToInt32(Scalar("PRAGMA user_version;", transaction), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"The index database {DatabasePath} has schema version {version}; this build reads version {SchemaVersion}.");
        }

        if (version == 1)
        {
            Execute("ALTER TABLE generations ADD COLUMN lexical TEXT;", transaction);
        }

        Execute($"""
            CREATE TABLE IF NOT EXISTS generations (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                model TEXT NOT NULL,
                dimensions INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                lexical TEXT
            );
            CREATE TABLE IF NOT EXISTS live (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                generation_id INTEGER NOT NULL REFERENCES generations (id)
            );
            CREATE TABLE IF NOT EXISTS records (
                generation_id INTEGER NOT NULL REFERENCES generations (id),
                product_id TEXT NOT NULL,
                payload TEXT NOT NULL,
                vector BLOB NOT NULL,
                content_hash TEXT NOT NULL,
                PRIMARY KEY (generation_id, product_id)
            ) WITHOUT ROWID;
            PRAGMA user_version = {SchemaVersion};
            """, transaction);
        transaction.Commit();
    }

    private static LexicalOptions ReadLexical(string json, string generation)
    {
        try
        {
            var options = JsonSerializer.Deserialize(json, PayloadJsonContext.Default.LexicalOptions)
                ?? throw new InvalidDataException($"Generation '{generation}' has empty lexical settings.");
            options.ThrowIfInvalid($"generation '{generation}' lexical settings");
            return options;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The lexical settings of generation '{generation}' cannot be read: {ex.Message}", ex);
        }
    }

    private SqliteCommand Command(string sql, SqliteTransaction transaction)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private void Execute(string sql, SqliteTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, SqliteTransaction? transaction = null)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }
}

/// <summary>How products are written as JSON payloads (source-generated, camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Product))]
[JsonSerializable(typeof(LexicalOptions))]
internal sealed partial class PayloadJsonContext : JsonSerializerContext;
