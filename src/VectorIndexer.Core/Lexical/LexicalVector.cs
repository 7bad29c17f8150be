namespace VectorIndexer.Core.Lexical;

/// <summary>
/// A sparse vector over hashed terms (<see cref="LexicalEncoder.TermId"/>): indices strictly
/// ascending, one value per index. This is what Qdrant stores as a named sparse vector and what
/// the embedded index keeps in its inverted index.
/// </summary>
public sealed record LexicalVector(uint[] Indices, float[] Values)
{
    public static LexicalVector Empty { get; } = new([], []);

    public int Count => Indices.Length;
}

/// <summary>
/// A product's two lexical vectors: <paramref name="Full"/> over every indexed field, and
/// <paramref name="Name"/> over the short name fields only (<see cref="LexicalOptions.NameFields"/>),
/// each BM25F-weighted with the same settings.
/// </summary>
public sealed record LexicalDocument(LexicalVector Full, LexicalVector Name)
{
    public static LexicalDocument Empty { get; } = new(LexicalVector.Empty, LexicalVector.Empty);
}
