using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;
using Examples = VectorIndexer.Core.Indexing.RecommendInput;
using QdrantRecommend = Qdrant.Client.Grpc.RecommendInput;
using Strategy = VectorIndexer.Core.Indexing.RecommendStrategy;

namespace VectorIndexer.Index.Qdrant;

// Recommendations from several stored products through the Query API's recommend query.
public partial class QdrantProductIndex
{
    private async Task<IReadOnlyList<SearchHit>> RecommendAsync(string? generation, Examples input, ProductFilter? filter, int limit, int offset, float? scoreThreshold, CancellationToken cancellationToken)
    {
        var target = Target(generation);
        var examples = input.All.Distinct(StringComparer.Ordinal).ToArray();
        var ids = examples.Select(ProductPointId.For).ToArray();

        // Unknown examples are named up front (Qdrant's own error names one point id, not the product).
        var found = await CallAsync(
            "retrieve",
            generation,
            token => _client.RetrieveAsync(target, [.. ids.Select(id => (PointId)id)], withPayload: false, withVectors: false, cancellationToken: token),
            cancellationToken);
        var present = found.Select(p => Guid.Parse(p.Id.Uuid)).ToHashSet();
        var missing = examples.Where((_, i) => !present.Contains(ids[i])).ToList();
        if (missing.Count > 0)
        {
            throw new UnknownProductsException(missing);
        }

        var mapped = QdrantFilterMapper.Map(filter);
        if (QdrantFilterMapper.IsMatchNothing(mapped))
        {
            return [];
        }

        var recommend = new QdrantRecommend
        {
            Strategy = input.Strategy == Strategy.BestScore ? global::Qdrant.Client.Grpc.RecommendStrategy.BestScore : global::Qdrant.Client.Grpc.RecommendStrategy.AverageVector,
        };
        recommend.Positive.AddRange(input.Positive.Select(id => new VectorInput { Id = ProductPointId.For(id) }));
        recommend.Negative.AddRange(input.Negative.Select(id => new VectorInput { Id = ProductPointId.For(id) }));

        // The examples are left out by id, as the embedded store does.
        return await RankAsync(target, generation, new Query { Recommend = recommend }, QdrantFilterMapper.Excluding(mapped, ids), limit, offset, scoreThreshold, cancellationToken);
    }
}
