namespace VectorIndexer.Embedding;

/// <summary>What a text is for; models trained with prefixes get the matching one.</summary>
public enum EmbeddingPurpose
{
    Document,
    Query,
}
