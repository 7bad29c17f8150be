using Qdrant.Client;
using Qdrant.Client.Grpc;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// Reading stored vectors back when points carry the dense vector and the sparse ones: Qdrant answers
/// with the single form (only the default vector returned) or a map with the default vector under
/// <c>""</c>, and inside either the typed <c>dense</c> field (servers from 1.17) or the deprecated flat
/// <c>data</c> one (older servers). The answers here are scripted after Qdrant's conversions; the
/// contract suite checks a real server.
/// </summary>
public sealed class QdrantNamedVectorTests : IDisposable
{
    private const string Generation = "shop-20261128020000-aaaaaaaa";
    private static readonly float[] Stored = [0.6f, 0.8f];

    private readonly FakeQdrant _qdrant = new();
    private readonly QdrantClient _client;
    private readonly QdrantIndexOptions _options = new() { CollectionPrefix = "shop", MaxRetries = 0 };

    public QdrantNamedVectorTests()
    {
        _client = _qdrant.Client();
    }

    public enum Shape
    {
        SingleDense,
        SingleLegacyData,
        NamedDense,
        NamedLegacyData,
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private QdrantProductIndex Index => new(_client, _options, new ListLogger<QdrantProductIndex>());

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData(Shape.SingleDense)]
    [InlineData(Shape.SingleLegacyData)]
    [InlineData(Shape.NamedDense)]
    [InlineData(Shape.NamedLegacyData)]
    public async Task Get_ReadsTheDenseVector_InEveryShapeQdrantAnswers(Shape shape)
    {
        _qdrant.On<GetPoints, GetResponse>("qdrant.Points/Get", _ => Retrieved(Output(shape)));

        var record = await Index.GetAsync(Generation, "p1", Token);

        Assert.NotNull(record);
        Assert.Equal(Stored, record.Vector);
        Assert.Equal("p1", record.Product.Id);
        Assert.Equal("hash-p1", record.ContentHash);
    }

    [Fact]
    public async Task Get_AsksForThePayloadAndTheDenseVectorOnly()
    {
        _qdrant.On<GetPoints, GetResponse>("qdrant.Points/Get", _ => Retrieved(Output(Shape.SingleDense)));

        await Index.GetAsync(null, "p1", Token);

        var request = Assert.Single(_qdrant.Requests<GetPoints>("qdrant.Points/Get"));
        Assert.Equal("shop-live", request.CollectionName);
        Assert.Equal([ProductPointId.For("p1").ToString()], request.Ids.Select(i => i.Uuid));
        Assert.True(request.WithPayload.Enable);
        Assert.Equal([string.Empty], request.WithVectors.Include.Names);
    }

    [Fact]
    public async Task Get_OfAPointWhoseVectorsLackTheDenseOne_FailsSayingSo()
    {
        var sparseOnly = new VectorsOutput { Vectors = new NamedVectorsOutput { Vectors = { [QdrantProductIndex.LexicalVectorName] = SparseOutput() } } };
        _qdrant.On<GetPoints, GetResponse>("qdrant.Points/Get", _ => Retrieved(sparseOnly));

        var ex = await Assert.ThrowsAsync<QdrantIndexException>(() => Index.GetAsync(Generation, "p1", Token));

        Assert.Contains("without its dense vector", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ThenUpsertOfTheSameRecord_WritesTheStoredDenseVector()
    {
        // What the worker does for a product whose text has not changed.
        _qdrant
            .On<GetPoints, GetResponse>("qdrant.Points/Get", _ => Retrieved(Output(Shape.NamedDense)))
            .On<GetCollectionInfoRequest, GetCollectionInfoResponse>("qdrant.Collections/Get", _ => LexicalCollection())
            .On<UpsertPoints, PointsOperationResponse>("qdrant.Points/Upsert", _ => new PointsOperationResponse { Result = new UpdateResult { Status = UpdateStatus.Completed } });
        var index = Index;

        var existing = await index.GetAsync(Generation, "p1", Token);
        await index.UpsertAsync(Generation, [existing!], Token);

        var point = Assert.Single(Assert.Single(_qdrant.Requests<UpsertPoints>("qdrant.Points/Upsert")).Points);
        Assert.Equal(Stored, point.Vectors.Vectors_.Vectors[string.Empty].Dense.Data);
    }

    [Theory]
    [InlineData(Shape.SingleDense)]
    [InlineData(Shape.NamedLegacyData)]
    public void ReadDenseVector_ReadsBothForms(Shape shape) =>
        Assert.Equal(Stored, QdrantProductIndex.ReadDenseVector(Output(shape)));

    [Fact]
    public void ReadDenseVector_OfNoVectors_IsNull()
    {
        Assert.Null(QdrantProductIndex.ReadDenseVector(null));
        Assert.Null(QdrantProductIndex.ReadDenseVector(new VectorsOutput()));
    }

    private static VectorOutput DenseOutput(bool legacy)
    {
        var output = new VectorOutput();
        if (legacy)
        {
#pragma warning disable CS0612, CS0618 // what servers before 1.17 fill
            output.Data.Add(Stored);
#pragma warning restore CS0612, CS0618
        }
        else
        {
            output.Dense = new DenseVector { Data = { Stored } };
        }

        return output;
    }

    private static VectorOutput SparseOutput() => new() { Sparse = new SparseVector { Indices = { 7u, 11u }, Values = { 0.5f, 1.5f } } };

    private static VectorsOutput Output(Shape shape) => shape switch
    {
        Shape.SingleDense => new VectorsOutput { Vector = DenseOutput(legacy: false) },
        Shape.SingleLegacyData => new VectorsOutput { Vector = DenseOutput(legacy: true) },
        _ => new VectorsOutput
        {
            Vectors = new NamedVectorsOutput
            {
                Vectors =
                {
                    [string.Empty] = DenseOutput(legacy: shape == Shape.NamedLegacyData),
                    [QdrantProductIndex.LexicalVectorName] = SparseOutput(),
                    [QdrantProductIndex.NameVectorName] = SparseOutput(),
                },
            },
        },
    };

    private static GetResponse Retrieved(VectorsOutput vectors)
    {
        var point = new RetrievedPoint { Id = ProductPointId.For("p1"), Vectors = vectors };
        QdrantPayload.Write(point.Payload, new IndexRecord(new Product { Id = "p1", Title = "Red mug" }, Stored, "hash-p1"));
        return new GetResponse { Result = { point } };
    }

    private static GetCollectionInfoResponse LexicalCollection() => new()
    {
        Result = new global::Qdrant.Client.Grpc.CollectionInfo
        {
            Status = CollectionStatus.Green,
            Config = new CollectionConfig
            {
                Params = new CollectionParams
                {
                    VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 2, Distance = Distance.Cosine } },
                    SparseVectorsConfig = new SparseVectorConfig
                    {
                        Map =
                        {
                            [QdrantProductIndex.LexicalVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
                            [QdrantProductIndex.NameVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
                        },
                    },
                },
            },
        },
    };
}
