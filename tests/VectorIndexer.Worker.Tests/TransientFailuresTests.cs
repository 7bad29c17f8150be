using Hangfire.Storage;
using Microsoft.Data.Sqlite;
using VectorIndexer.Worker.Jobs;

namespace VectorIndexer.Worker.Tests;

public sealed class TransientFailuresTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { new HttpRequestException("connection refused"), true },
        { new IOException("disk busy"), true },
        { new TimeoutException(), true },
        { new DistributedLockTimeoutException("FullReindexJob.RunAsync"), true },
        { new SqliteException("database is locked", 5), true },
        { new InvalidOperationException("wrapped", new HttpRequestException("reset")), true },
        { new QdrantUnavailableException(), true },
        { new IndexingJobException("2 bad records"), false },
        { new ArgumentException("vector length 3, generation has 384"), false },
        { new FileNotFoundException("no feed"), false },
        { new SqliteException("constraint", 19), false },
        { new InvalidOperationException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsTransient_ClassifiesFailures(Exception exception, bool transient) =>
        Assert.Equal(transient, TransientFailures.IsTransient(exception));

    [Fact]
    public void Backoff_DoublesFromTheBaseAndIsBounded()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), TransientFailures.Backoff(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(120), TransientFailures.Backoff(3, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromHours(1), TransientFailures.Backoff(20, TimeSpan.FromSeconds(30)));
    }

    /// <summary>Named like the Qdrant store's exception; matched by name.</summary>
    private sealed class QdrantUnavailableException : Exception;
}
