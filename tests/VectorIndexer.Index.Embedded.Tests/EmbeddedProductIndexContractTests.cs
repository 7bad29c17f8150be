using VectorIndexer.Core.Indexing;
using VectorIndexer.Index.ContractTests;

namespace VectorIndexer.Index.Embedded.Tests;

/// <summary>The contract, against the embedded index on disk (a temp folder per test).</summary>
public sealed class EmbeddedProductIndexContractTests : ProductIndexContractTests
{
    private readonly TempDirectory _directory = new();

    protected override Task<IProductIndex> CreateIndexAsync(CancellationToken cancellationToken)
    {
        IProductIndex index = new EmbeddedProductIndex(new EmbeddedIndexOptions
        {
            DataDirectory = _directory.Path,
            FilterableAttributes = [FilterableAttribute],
        });
        return Task.FromResult(index);
    }

    protected override async ValueTask DisposeIndexAsync(IProductIndex index)
    {
        await base.DisposeIndexAsync(index);
        _directory.Dispose();
    }
}

/// <summary>The contract, against the memory-only mode used for benchmarks.</summary>
public sealed class InMemoryEmbeddedProductIndexContractTests : ProductIndexContractTests
{
    protected override Task<IProductIndex> CreateIndexAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IProductIndex>(EmbeddedProductIndex.CreateInMemory([FilterableAttribute]));
}
