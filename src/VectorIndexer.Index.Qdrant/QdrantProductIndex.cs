using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// The product index on Qdrant. Each generation is a collection (cosine distance, payload indexes
/// on every filterable field) named after the prefix and its creation time; the live generation is
/// the one the alias <c>&lt;prefix&gt;-live</c> points to, switched by one atomic alias update. Reads
/// of the live generation go through the alias, so a switch never shows a half-built index.
/// Point ids are <see cref="ProductPointId"/>s, so upserts are idempotent without a lookup.
/// Every point also carries two named sparse vectors, <c>lexical</c> (BM25F over all indexed fields)
/// and <c>lexical-name</c> (the name fields), encoded here by <see cref="LexicalEncoder"/>; the
/// collection applies the IDF modifier, so Qdrant supplies IDF from its own statistics.
/// Each generation records the lexical settings it was built with and keeps encoding its documents
/// and queries with them; changed settings apply to the generations built after the change.
/// Searches use the Query API: dense by the default vector, lexical by <c>lexical</c>, hybrid by
/// prefetching each (with the filter) and fusing with weighted RRF; a lexical search of a collection
/// from before lexical search fails with <see cref="SearchModeNotSupportedException"/>, a hybrid one
/// falls back to dense. "Similar" queries by the stored point's id, server-side.
/// Transient gRPC failures are retried (<see cref="QdrantRetryPolicy"/>); the others surface as
/// <see cref="QdrantIndexException"/>, <see cref="ArgumentException"/> (a request Qdrant rejected
/// as invalid) or <see cref="GenerationNotFoundException"/>.
/// </summary>
public sealed partial class QdrantProductIndex : IProductIndex
{
    private const string ModelMetadataKey = "vectorindexer.model";
    private const string CreatedMetadataKey = "vectorindexer.createdAt";
    private const string LexicalMetadataKey = "vectorindexer.lexical";
    private const string LexicalSettingsMetadataKey = "vectorindexer.lexicalSettings";

    /// <summary>
    /// Qdrant's name of the default (unnamed) vector: the dense one is written under it in named
    /// form, selected by it, and returned under it when a point's vectors come back as a map.
    /// </summary>
    private const string DenseVectorName = "";

    /// <summary>The sparse vector of BM25F over every indexed field.</summary>
    public const string LexicalVectorName = "lexical";

    /// <summary>The sparse vector of BM25F over the name fields.</summary>
    public const string NameVectorName = "lexical-name";
    private const int IdsPerRequest = 1000;
    private const int MaxTieWindow = 10_000;
    private const int MaxProductIdLength = 128;
    private static readonly WithVectorsSelector NoVectors = new() { Enable = false };

    /// <summary>Only the dense vector: the sparse ones are derived from the product, not worth the transfer.</summary>
    /// <summary>Points per page of <see cref="ScanAsync"/>.</summary>
    private const uint ScanPageSize = 256;

    private static readonly WithVectorsSelector DenseOnly = new() { Include = new VectorsSelector { Names = { DenseVectorName } } };

    private readonly QdrantClient _client;
    private readonly QdrantIndexOptions _options;
    private readonly ProductSchema _schema;
    private readonly GenerationNames _names;
    private readonly QdrantRetryPolicy _retry;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, int> _dimensions = new(StringComparer.Ordinal);
    /// <summary>Per collection, the encoder of its recorded lexical settings; null when it has no sparse vectors.</summary>
    private readonly ConcurrentDictionary<string, LexicalEncoder?> _encoders = new(StringComparer.Ordinal);

    /// <summary>The encoder of the configured settings, recorded in every generation created here.</summary>
    private readonly LexicalEncoder _lexical;

    /// <param name="client">The shared client (not disposed here).</param>
    /// <param name="options">Validated settings.</param>
    /// <param name="logger">Receives retries, generation changes and the version check.</param>
    /// <param name="timeProvider">Clock for generation names.</param>
    /// <param name="retryPolicy">Overrides the policy built from <paramref name="options"/>.</param>
    public QdrantProductIndex(
        QdrantClient client,
        QdrantIndexOptions options,
        ILogger<QdrantProductIndex>? logger = null,
        TimeProvider? timeProvider = null,
        QdrantRetryPolicy? retryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _client = client;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _schema = new ProductSchema(options.FilterableAttributes);
        _names = new GenerationNames(options.CollectionPrefix);
        _lexical = new LexicalEncoder(options.Lexical);
        _retry = retryPolicy ?? new QdrantRetryPolicy(options.MaxRetries, options.RetryBaseDelay, options.RetryMaxDelay, _logger);
    }

    /// <summary>The alias that names the live generation.</summary>
    public string LiveAlias => _names.LiveAlias;

    /// <summary>The filterable fields, for validating filters before they reach the index.</summary>
    public ProductSchema Schema => _schema;

    /// <summary>The collection or alias a data operation addresses.</summary>
    private string Target(string? generation)
    {
        if (generation is null)
        {
            return _names.LiveAlias;
        }

        RequireGenerationName(generation);
        return generation;
    }

    private void RequireGenerationName(string generation)
    {
        ArgumentNullException.ThrowIfNull(generation);
        if (!_names.IsGeneration(generation))
        {
            throw UnknownGeneration(generation);
        }
    }
}

/// <summary>What <see cref="QdrantProductIndex.CheckServerAsync"/> found.</summary>
/// <param name="ServerVersion">The server's version as it reports it.</param>
/// <param name="ClientVersion">The Qdrant.Client library's version.</param>
/// <param name="Drift">How far apart they are; null when either could not be read.</param>
public sealed record QdrantServerInfo(string ServerVersion, string ClientVersion, VersionDrift? Drift);
