namespace VectorIndexer.Core.Indexing;

/// <summary>
/// The generation searched cannot serve the requested <see cref="SearchMode"/>: it was built before
/// that mode existed (a Qdrant collection created before lexical search has no sparse vectors).
/// The caller can search with <see cref="SearchMode.Dense"/>, or reindex to build a generation that
/// supports the mode. The query API answers it with 409 Conflict.
/// </summary>
public sealed class SearchModeNotSupportedException : Exception
{
    /// <summary>What a person can do about it, without naming any generation.</summary>
    public const string Advice = "Search with mode=dense, or reindex to build a generation that supports this mode.";

    public SearchModeNotSupportedException()
        : base("The index generation does not support this search mode. " + Advice)
    {
    }

    public SearchModeNotSupportedException(string message)
        : base(message)
    {
    }

    public SearchModeNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="mode">The mode asked for.</param>
    /// <param name="generation">The generation (or alias) searched, for the log.</param>
    /// <param name="innerException">The index's own refusal, if there was one.</param>
    public SearchModeNotSupportedException(SearchMode mode, string generation, Exception? innerException = null)
        : base($"Generation '{generation}' cannot be searched in {mode.ToString().ToLowerInvariant()} mode: it was created before that mode existed. {Advice}", innerException)
    {
        Mode = mode;
    }

    /// <summary>The mode asked for, when known.</summary>
    public SearchMode? Mode { get; }
}
