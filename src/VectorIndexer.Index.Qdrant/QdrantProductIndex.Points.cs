using System.Runtime.CompilerServices;
using Qdrant.Client.Grpc;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Qdrant;

// Points: upsert, delete, get, scan and content hashes, and the record-to-point mapping.
public partial class QdrantProductIndex
{
    /// <inheritdoc />
    public async Task UpsertAsync(string? generation, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);

        // Writes go to one concrete collection, resolved once, whose dimensions are known.
        var collection = generation ?? await GetLiveCollectionAsync(cancellationToken) ?? throw NoLiveGeneration();
        RequireGenerationName(collection);
        var dimensions = await GetDimensionsAsync(collection, cancellationToken);
        var lexical = _encoders.GetValueOrDefault(collection);

        // Every record is checked before anything is written; a product listed twice is written
        // once, as its last record, whatever the batching.
        var points = records
            .Select(record => ToPoint(record, dimensions, collection, lexical))
            .GroupBy(point => point.Id.Uuid, StringComparer.Ordinal)
            .Select(group => group.Last())
            .ToList();

        var batches = 0;
        foreach (var batch in points.Chunk(_options.UpsertBatchSize))
        {
            await CallAsync("upsert", generation ?? collection, token => _client.UpsertAsync(collection, batch, wait: true, cancellationToken: token), cancellationToken);
            batches++;
        }

        Log.Upserted(_logger, points.Count, collection, batches);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        var target = Target(generation);
        var ids = PointIds(productIds);
        if (ids.Count == 0)
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return;
        }

        foreach (var chunk in ids.Chunk(IdsPerRequest))
        {
            await CallAsync("delete", generation, token => _client.DeleteAsync(target, chunk, wait: true, cancellationToken: token), cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<IndexRecord?> GetAsync(string? generation, string productId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productId);
        var target = Target(generation);
        var points = await CallAsync(
            "retrieve",
            generation,
            token => _client.RetrieveAsync(target, [ProductPointId.For(productId)], payloadSelector: true, vectorSelector: DenseOnly, cancellationToken: token),
            cancellationToken);
        if (points.Count == 0)
        {
            return null;
        }

        // Qdrant keeps cosine vectors normalised to unit length; that is the vector returned
        // (the default, unnamed one; the sparse vectors are derived from the product).
        var point = points[0];
        var vector = ReadDenseVector(point.Vectors)
            ?? throw new QdrantIndexException($"The point of product '{productId}' in '{target}' came back without its dense vector; reindex the product.");
        return new IndexRecord(QdrantPayload.ReadProduct(point.Payload), vector, QdrantPayload.ReadContentHash(point.Payload) ?? string.Empty);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IndexRecord> ScanAsync(string? generation, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var target = Target(generation);
        PointId? offset = null;
        do
        {
            var from = offset;
            var page = await CallAsync(
                "scroll",
                generation,
                token => _client.ScrollAsync(target, limit: ScanPageSize, offset: from, payloadSelector: true, vectorsSelector: DenseOnly, cancellationToken: token),
                cancellationToken);
            foreach (var point in page.Result)
            {
                var product = QdrantPayload.ReadProduct(point.Payload);
                var vector = ReadDenseVector(point.Vectors)
                    ?? throw new QdrantIndexException($"The point of product '{product.Id}' in '{target}' came back without its dense vector; reindex the product.");
                yield return new IndexRecord(product, vector, QdrantPayload.ReadContentHash(point.Payload) ?? string.Empty);
            }

            offset = page.NextPageOffset;
        }
        while (offset is not null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> GetContentHashesAsync(string? generation, IReadOnlyList<string> productIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        var target = Target(generation);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var ids = PointIds(productIds);
        if (ids.Count == 0)
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return hashes;
        }

        var selector = new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { QdrantPayload.Id, QdrantPayload.ContentHash } } };
        foreach (var chunk in ids.Chunk(IdsPerRequest))
        {
            var points = await CallAsync(
                "retrieve content hashes",
                generation,
                token => _client.RetrieveAsync(target, [.. chunk.Select(id => (PointId)id)], payloadSelector: selector, vectorSelector: NoVectors, cancellationToken: token),
                cancellationToken);
            foreach (var point in points)
            {
                if (QdrantPayload.ReadId(point.Payload) is { } id && QdrantPayload.ReadContentHash(point.Payload) is { } hash)
                {
                    hashes[id] = hash;
                }
            }
        }

        return hashes;
    }

    private static PointStruct ToPoint(IndexRecord record, int dimensions, string collection, LexicalEncoder? lexical)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Product, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Vector, nameof(record));
        var id = record.Product.Id;
        if (string.IsNullOrEmpty(id) || id.Length > MaxProductIdLength)
        {
            throw new ArgumentException(
                $"A product id must have 1 to {MaxProductIdLength} characters; got {id?.Length ?? 0}.",
                nameof(record));
        }

        ArgumentNullException.ThrowIfNull(record.ContentHash, nameof(record));

        if (record.Vector.Length != dimensions)
        {
            throw new ArgumentException(
                $"The vector of product '{id}' has {record.Vector.Length} dimensions; generation '{collection}' holds vectors of {dimensions}.",
                nameof(record));
        }

        if (!record.Vector.All(float.IsFinite))
        {
            throw new ArgumentException($"The vector of product '{id}' contains a value that is not a finite number.", nameof(record));
        }

        var point = new PointStruct { Id = ProductPointId.For(id), Vectors = record.Vector };
        if (lexical is not null)
        {
            // The default (unnamed) dense vector and the sparse ones; an empty sparse vector is left out.
            var document = lexical.EncodeDocument(record.Product);
            var named = new NamedVectors { Vectors = { [string.Empty] = record.Vector } };
            if (document.Full.Count > 0)
            {
                named.Vectors[LexicalVectorName] = (document.Full.Values, document.Full.Indices);
            }

            if (document.Name.Count > 0)
            {
                named.Vectors[NameVectorName] = (document.Name.Values, document.Name.Indices);
            }

            point.Vectors = new Vectors { Vectors_ = named };
        }

        QdrantPayload.Write(point.Payload, record);
        return point;
    }

    /// <summary>
    /// The dense (default) vector of a retrieved point, or null when it has none. Qdrant returns a
    /// point's vectors in the single form when the default vector is all there is (all that was
    /// selected, or a point without sparse vectors) and as a map otherwise, the default one under
    /// <c>""</c>. Inside, servers before 1.17 fill the deprecated flat <c>data</c> field and later
    /// ones the typed <c>dense</c> one; <see cref="VectorOutput.GetDenseVector"/> reads either.
    /// </summary>
    internal static float[]? ReadDenseVector(VectorsOutput? vectors)
    {
        var output = vectors?.VectorsOptionsCase switch
        {
            VectorsOutput.VectorsOptionsOneofCase.Vector => vectors.Vector,
            VectorsOutput.VectorsOptionsOneofCase.Vectors when vectors.Vectors.Vectors.TryGetValue(DenseVectorName, out var dense) => dense,
            _ => null,
        };
        return output?.GetDenseVector() is { Data.Count: > 0 } vector ? [.. vector.Data] : null;
    }

    private static List<Guid> PointIds(IReadOnlyList<string> productIds) =>
        [.. productIds.Select(id => id ?? throw new ArgumentException("A product id is null.", nameof(productIds))).Distinct(StringComparer.Ordinal).Select(ProductPointId.For)];
}
