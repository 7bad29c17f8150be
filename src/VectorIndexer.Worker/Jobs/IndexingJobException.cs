namespace VectorIndexer.Worker.Jobs;

/// <summary>
/// A job failed for a reason retrying cannot fix (a feed with too many bad records, vectors that do
/// not fit the index, a batch that is gone). Never retried; the message is written for a person.
/// </summary>
public sealed class IndexingJobException : Exception
{
    public IndexingJobException(string message)
        : base(message)
    {
    }

    public IndexingJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IndexingJobException()
    {
    }
}
