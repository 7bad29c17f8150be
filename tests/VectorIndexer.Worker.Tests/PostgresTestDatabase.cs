using Npgsql;

namespace VectorIndexer.Worker.Tests;

/// <summary>
/// Schemas of their own on the PostgreSQL server named by <see cref="Variable"/> (started by
/// <c>.ci/run</c>), dropped on disposal. Tests that need it skip, with the reason, when it is not set.
/// </summary>
internal sealed class PostgresTestDatabase : IDisposable
{
    /// <summary>An Npgsql connection string; the PostgreSQL tests are skipped without one.</summary>
    public const string Variable = "VECTORINDEXER_TEST_HANGFIRE_POSTGRES";

    private readonly List<string> _schemas = [];

    /// <summary>The connection string; skips the calling test when none is set.</summary>
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            Assert.SkipWhen(string.IsNullOrWhiteSpace(value), $"No PostgreSQL server: set {Variable} to an Npgsql connection string to run this test.");
            return value!;
        }
    }

    /// <summary>A new schema name (not created: the code under test creates it), dropped on disposal.</summary>
    public string NewSchema(string prefix)
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        lock (_schemas)
        {
            _schemas.Add(name);
        }

        return name;
    }

    public void Dispose()
    {
        string[] schemas;
        lock (_schemas)
        {
            schemas = [.. _schemas];
        }

        if (schemas.Length == 0)
        {
            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(Variable)) { Pooling = false };
        using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        foreach (var schema in schemas)
        {
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Schema names made by this class.
            command.CommandText = $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE";
#pragma warning restore CA2100
            command.ExecuteNonQuery();
        }
    }
}
