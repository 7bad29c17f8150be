using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Qdrant;

// Search: dense, lexical, hybrid (prefetch + weighted RRF) and similar-to, counting, paging and tie order.
public partial class QdrantProductIndex
{
    /// <inheritdoc />
    public async Task<SearchResult> SearchAsync(string? generation, ProductQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.ThrowIfIncomplete();
        ValidatePage(query.Limit, query.Offset);
        _schema.Validate(query.Filter);
        return new SearchResult(query switch
        {
            { Recommend: { } recommend } => await RecommendAsync(generation, recommend, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken),
            { SimilarTo: { } productId } => await SimilarToAsync(generation, productId, query.Filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken),
            _ => await SearchInputAsync(generation, query, cancellationToken),
        });
    }

    /// <summary>A search by vector, text or both (the query checked).</summary>
    private async Task<IReadOnlyList<SearchHit>> SearchInputAsync(string? generation, ProductQuery query, CancellationToken cancellationToken)
    {
        var target = Target(generation);
        var filter = QdrantFilterMapper.Map(query.Filter);
        if (QdrantFilterMapper.IsMatchNothing(filter))
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return [];
        }

        if (query.Mode == SearchMode.Dense)
        {
            return await RankAsync(target, generation, query.Vector!, filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken);
        }

        // The query is encoded as the generation's documents were: with its recorded settings.
        var encoder = await GetEncoderAsync(generation, cancellationToken);
        if (encoder is null)
        {
            return await WithoutLexicalVectorsAsync(query, target, generation, filter, innerException: null, cancellationToken);
        }

        var terms = encoder.EncodeQuery(query.Text!);
        try
        {
            if (query.Mode == SearchMode.Lexical)
            {
                if (terms.Count == 0)
                {
                    await EnsureExistsAsync(generation, cancellationToken);
                    return [];
                }

                return await RankAsync(target, generation, Sparse(terms), filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken, usingVector: LexicalVectorName);
            }

            var (fusion, prefetch) = HybridRequest(query, terms, filter);
            return await RankAsync(target, generation, fusion, filter: null, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken, prefetch: prefetch);
        }
        catch (ArgumentException ex) when (IsMissingLexicalVector(ex))
        {
            // The live alias moved to a collection from before lexical search since it was resolved.
            return await WithoutLexicalVectorsAsync(query, target, generation, filter, ex, cancellationToken);
        }
    }

    /// <summary>A lexical or hybrid search of a collection without sparse vectors: lexical fails, hybrid is served dense.</summary>
    private async Task<IReadOnlyList<SearchHit>> WithoutLexicalVectorsAsync(
        ProductQuery query, string target, string? generation, Filter? filter, Exception? innerException, CancellationToken cancellationToken)
    {
        if (query.Mode == SearchMode.Lexical)
        {
            throw new SearchModeNotSupportedException(query.Mode, target, innerException);
        }

        Log.HybridFallsBackToDense(_logger, target);
        return await RankAsync(target, generation, query.Vector!, filter, query.Limit, query.Offset, query.ScoreThreshold, cancellationToken);
    }

    /// <summary>
    /// The hybrid Query API request: one prefetch per list (dense by the default vector, the
    /// sparse full-text vector and, with a name weight above 0, the sparse name vector), each with
    /// the filter and a limit of the fusion depth (at least offset + limit), fused by RRF with
    /// k + 1 (Qdrant counts positions from 0) and the lists' weights, or by Qdrant's DBSF.
    /// </summary>
    internal static (Query Fusion, List<PrefetchQuery> Prefetch) HybridRequest(ProductQuery query, LexicalVector terms, Filter? filter)
    {
        var depth = (ulong)query.Fusion.EffectiveDepth(checked(query.Offset + query.Limit));
        var rrf = new Rrf { K = (uint)query.Fusion.K + 1 };
        var prefetch = new List<PrefetchQuery> { new() { Query = query.Vector!, Limit = depth } };
        rrf.Weights.Add(query.Fusion.DenseWeight);
        if (terms.Count > 0)
        {
            prefetch.Add(new PrefetchQuery { Query = Sparse(terms), Using = LexicalVectorName, Limit = depth });
            rrf.Weights.Add(query.Fusion.LexicalWeight);
            if (query.Fusion.NameWeight > 0)
            {
                prefetch.Add(new PrefetchQuery { Query = Sparse(terms), Using = NameVectorName, Limit = depth });
                rrf.Weights.Add(query.Fusion.NameWeight);
            }
        }

        foreach (var p in prefetch.Where(_ => filter is not null))
        {
            p.Filter = filter;
        }

        // DBSF is unweighted (FusionSettings rejects other weights), as Qdrant's is.
        return (query.Fusion.Method == FusionMethod.Dbsf ? new Query { Fusion = Fusion.Dbsf } : new Query { Rrf = rrf }, prefetch);
    }

    private static Query Sparse(LexicalVector terms) => (terms.Values, terms.Indices);

    /// <summary>Products nearest to a stored product, itself left out; none when it is unknown.</summary>
    private async Task<IReadOnlyList<SearchHit>> SimilarToAsync(string? generation, string productId, ProductFilter? filter, int limit, int offset, float? scoreThreshold, CancellationToken cancellationToken)
    {
        var target = Target(generation);
        var mapped = QdrantFilterMapper.Map(filter);
        var pointId = ProductPointId.For(productId);

        // Unknown product: empty. Asking costs no vector transfer and tells a missing product
        // (empty answer) from a missing generation (exception) without parsing error texts.
        var exists = await CallAsync(
            "retrieve",
            generation,
            token => _client.RetrieveAsync(target, pointId, withPayload: false, withVectors: false, cancellationToken: token),
            cancellationToken);
        if (exists.Count == 0 || QdrantFilterMapper.IsMatchNothing(mapped))
        {
            return [];
        }

        // Nearest to the stored vector of the point itself, the point left out by id.
        var byId = new Query { Nearest = new VectorInput { Id = pointId } };
        try
        {
            return await RankAsync(target, generation, byId, QdrantFilterMapper.Excluding(mapped, pointId), limit, offset, scoreThreshold, cancellationToken);
        }
        catch (GenerationNotFoundException)
        {
            // Qdrant answers "not found" for a missing point too: deleted since the check above.
            if (await ExistsAsync(generation, cancellationToken))
            {
                return [];
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(string? generation, ProductFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _schema.Validate(filter);
        var target = Target(generation);
        var mapped = QdrantFilterMapper.Map(filter);
        if (QdrantFilterMapper.IsMatchNothing(mapped))
        {
            await EnsureExistsAsync(generation, cancellationToken);
            return 0;
        }

        var count = await CallAsync("count", generation, token => _client.CountAsync(target, mapped, exact: true, cancellationToken: token), cancellationToken);
        return (long)count;
    }

    /// <summary>
    /// Best first, ties broken by product id. Qdrant orders equal scores by its own internal
    /// order, so the ranking is fetched from the top (as Qdrant itself does for an offset) with one
    /// hit more than the page needs, widened while that extra hit still ties with the page's last
    /// one, sorted here, then cut to the page.
    /// On a first page the hits carry their payload; past it only ids are fetched for ranking
    /// and the page's payloads in one retrieve.
    /// </summary>
    private async Task<IReadOnlyList<SearchHit>> RankAsync(
        string target,
        string? generation,
        Query query,
        Filter? filter,
        int limit,
        int offset,
        float? scoreThreshold,
        CancellationToken cancellationToken,
        string? usingVector = null,
        IReadOnlyList<PrefetchQuery>? prefetch = null)
    {
        // One hit past the page shows whether the page's last score is shared beyond it.
        var needed = checked(offset + limit);
        var fetch = needed + 1;
        var fullPayload = offset == 0;
        var selector = fullPayload
            ? new WithPayloadSelector { Enable = true }
            : new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { QdrantPayload.Id } } };

        // Qdrant's threshold may be exclusive; ask for a hair below and apply it inclusively here.
        float? serverThreshold = scoreThreshold is float t ? MathF.BitDecrement(t) : null;
        IReadOnlyList<ScoredPoint> points;
        while (true)
        {
            var window = fetch;
            points = await CallAsync(
                "query",
                generation,
                token => _client.QueryAsync(
                    target,
                    query: query,
                    prefetch: prefetch,
                    usingVector: usingVector,
                    filter: filter,
                    scoreThreshold: serverThreshold,
                    limit: (ulong)window,
                    payloadSelector: selector,
                    vectorsSelector: NoVectors,
                    cancellationToken: token),
                cancellationToken);
            if (points.Count < fetch || points[^1].Score < points[needed - 1].Score || fetch >= MaxTieWindow)
            {
                break;
            }

            fetch = Math.Min(fetch * 2, Math.Max(MaxTieWindow, needed + 1));
        }

        var ranked = points
            .Where(p => scoreThreshold is not float min || p.Score >= min)
            .Select(p => (Point: p, Id: QdrantPayload.ReadId(p.Payload) ?? string.Empty))
            .OrderByDescending(p => p.Point.Score)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Skip(offset)
            .Take(limit)
            .ToList();
        if (fullPayload)
        {
            return [.. ranked.Select(p => new SearchHit(QdrantPayload.ReadProduct(p.Point.Payload), p.Point.Score))];
        }

        if (ranked.Count == 0)
        {
            return [];
        }

        var pageIds = ranked.Select(p => p.Point.Id).ToList();
        var retrieved = await CallAsync(
            "retrieve page",
            generation,
            token => _client.RetrieveAsync(target, pageIds, withPayload: true, withVectors: false, cancellationToken: token),
            cancellationToken);
        var byId = retrieved.ToDictionary(p => p.Id);
        return [.. ranked
            .Where(p => byId.ContainsKey(p.Point.Id))
            .Select(p => new SearchHit(QdrantPayload.ReadProduct(byId[p.Point.Id].Payload), p.Point.Score))];
    }

    private static void ValidatePage(int limit, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
    }
}
