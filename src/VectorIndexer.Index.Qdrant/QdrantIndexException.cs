namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// Qdrant refused or failed an index operation for a reason a retry does not fix (a rejected API
/// key, a malformed request, a server error). The message says what was being done and what
/// Qdrant answered; the gRPC exception is the inner exception.
/// </summary>
public class QdrantIndexException : Exception
{
    public QdrantIndexException()
    {
    }

    public QdrantIndexException(string message)
        : base(message)
    {
    }

    public QdrantIndexException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Qdrant stayed unreachable (or overloaded) through every retry.</summary>
public sealed class QdrantUnavailableException : QdrantIndexException
{
    public QdrantUnavailableException()
    {
    }

    public QdrantUnavailableException(string message)
        : base(message)
    {
    }

    public QdrantUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
