using System.Runtime.CompilerServices;
using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Index.Qdrant;

// The neighbours export: the collection scrolled page by page, each page's products asked for their nearest in one batch query.
public partial class QdrantProductIndex
{
    /// <summary>Products per scroll page, and so per batch query.</summary>
    private const int NeighbourPageSize = 64;

    /// <summary>
    /// Every product's nearest others: the collection scrolled a page at a time, each product of the
    /// page a nearest-by-id query (itself left out by id, and with <see cref="NeighbourRequest.SameCategory"/>
    /// a filter on every level of its category), the page's queries sent as one batch. The live
    /// generation is resolved once, so a switch during the export does not mix two generations.
    /// Products come in the order Qdrant scrolls them (by point id); each list is ordered best first,
    /// ties by product id. On a collection large enough to be indexed the answers are HNSW's
    /// (approximate), as a similar-to search is.
    /// </summary>
    public async IAsyncEnumerable<ProductNeighbours> NeighboursAsync(string? generation, NeighbourRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ThrowIfInvalid();
        var target = generation is null
            ? await GetLiveCollectionAsync(cancellationToken).ConfigureAwait(false) ?? throw new GenerationNotFoundException("No generation is live yet.")
            : Target(generation);
        var idOnly = new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { QdrantPayload.Id } } };
        float? serverThreshold = request.MinScore is float t ? MathF.BitDecrement(t) : null;
        PointId? offset = null;
        do
        {
            var from = offset;
            var page = await CallAsync(
                "scroll",
                target,
                token => _client.ScrollAsync(target, limit: NeighbourPageSize, offset: from, payloadSelector: true, vectorsSelector: NoVectors, cancellationToken: token),
                cancellationToken).ConfigureAwait(false);
            var products = page.Result.Select(p => QdrantPayload.ReadProduct(p.Payload)).ToList();
            var queries = page.Result.Select((point, i) =>
            {
                var pointId = ProductPointId.For(products[i].Id);
                var levels = Levels(products[i]);
                var within = request.SameCategory
                    ? (levels.Length == 0 ? QdrantFilterMapper.MatchNothing : QdrantFilterMapper.Map(ProductFilter.And([.. levels.Select(c => ProductFilter.Equal(ProductSchema.Category, c))])))
                    : null;
                var query = new QueryPoints
                {
                    CollectionName = target,
                    Query = new Query { Nearest = new VectorInput { Id = pointId } },
                    Filter = QdrantFilterMapper.Excluding(within, pointId),

                    // One more than kept, so a tie at the cut is settled by product id here.
                    Limit = (ulong)request.K + 1,
                    WithPayload = idOnly,
                    WithVectors = NoVectors,
                };
                if (serverThreshold is float threshold)
                {
                    query.ScoreThreshold = threshold;
                }

                return query;
            }).ToList();
            if (queries.Count > 0)
            {
                var results = await CallAsync(
                    "query batch",
                    target,
                    token => _client.QueryBatchAsync(target, queries, cancellationToken: token),
                    cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < products.Count; i++)
                {
                    var neighbours = request.SameCategory && Levels(products[i]).Length == 0
                        ? []
                        : results[i].Result
                            .Where(p => request.MinScore is not float min || p.Score >= min)
                            .Select(p => new Neighbour(QdrantPayload.ReadId(p.Payload) ?? string.Empty, p.Score))
                            .OrderByDescending(n => n.Score)
                            .ThenBy(n => n.ProductId, StringComparer.Ordinal)
                            .Take(request.K)
                            .ToList();
                    yield return new ProductNeighbours(products[i], neighbours);
                }
            }

            offset = page.NextPageOffset;
        }
        while (offset is not null);
    }

    private static string[] Levels(VectorIndexer.Core.Product product) => [.. product.Category.Where(c => !string.IsNullOrEmpty(c))];
}
