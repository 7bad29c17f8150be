using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.ContractTests;

public abstract partial class ProductIndexContractTests
{
    // ---- generations --------------------------------------------------------------------------

    [Fact]
    public async Task NewIndex_HasNoGenerations_AndDataCallsThrowGenerationNotFound()
    {
        Assert.Empty(await Index.ListGenerationsAsync(Token));
        Assert.Null(await Index.GetLiveGenerationAsync(Token));

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync(null, new ProductQuery(QueryE0), Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.CountAsync(null, null, Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.UpsertAsync(null, [Record(Catalogue[0])], Token));
    }

    [Fact]
    public async Task Search_BeforeAnyGenerationIsLive_ThrowsGenerationNotFound()
    {
        var generation = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(generation.Name, [.. Catalogue.Select(Record)], Token);

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync(null, new ProductQuery(QueryE0), Token));
        Assert.Equal(["p1", "p2"], ((await Index.SearchAsync(generation.Name, new ProductQuery(QueryE0, Limit: 2), Token)).Hits).Select(h => h.Product.Id));
    }

    [Fact]
    public async Task CreateGeneration_IsListedWithItsModel_AndNotLive()
    {
        var generation = await Index.CreateGenerationAsync(TestModel, Token);

        var listed = Assert.Single(await Index.ListGenerationsAsync(Token));
        Assert.Equal(generation.Name, listed.Name);
        Assert.Equal(TestModel, listed.Model);
        Assert.False(listed.IsLive);
        Assert.False(generation.IsLive);
        Assert.False(string.IsNullOrWhiteSpace(generation.Name));
        Assert.Null(await Index.GetLiveGenerationAsync(Token));
    }

    [Fact]
    public async Task ActivateGeneration_MakesItLive_AndMovesTheLivePointer()
    {
        var first = await Index.CreateGenerationAsync(TestModel, Token);
        var second = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(first.Name, [Record(Catalogue[0])], Token);
        await Index.UpsertAsync(second.Name, [Record(Catalogue[1]), Record(Catalogue[2])], Token);

        await Index.ActivateGenerationAsync(first.Name, Token);
        var countFirst = await Index.CountAsync(null, null, Token);
        await Index.ActivateGenerationAsync(second.Name, Token);
        var countSecond = await Index.CountAsync(null, null, Token);
        var generations = await Index.ListGenerationsAsync(Token);

        Assert.Equal(1, countFirst);
        Assert.Equal(2, countSecond);
        Assert.Equal(second.Name, (await Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Equal(2, generations.Count);
        Assert.Equal(second.Name, Assert.Single(generations, g => g.IsLive).Name);
        Assert.Equal(["p2", "p3"], await SearchIdsAsync(null));
    }

    [Fact]
    public async Task Generations_AreIsolated()
    {
        var live = await CreateLiveGenerationAsync();
        var next = await Index.CreateGenerationAsync(new IndexModel("other-model", 4), Token);
        await Index.UpsertAsync(live, [Record(Catalogue[0])], Token);

        await Index.UpsertAsync(next.Name, [new IndexRecord(Catalogue[1], [0, 1, 0, 0], "h")], Token);

        Assert.Null(await Index.GetAsync(next.Name, "p1", Token));
        Assert.Null(await Index.GetAsync(null, "p2", Token));
        Assert.Equal(1, await Index.CountAsync(next.Name, null, Token));
        Assert.Equal(["p1"], await SearchIdsAsync(null));
        Assert.Equal("p2", Assert.Single((await Index.SearchAsync(next.Name, new ProductQuery([0, 1, 0, 0]), Token)).Hits).Product.Id);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.SearchAsync(next.Name, new ProductQuery(QueryE0), Token));
    }

    [Fact]
    public async Task DropGeneration_RemovesIt_AndItsNameNoLongerResolves()
    {
        await SeedAsync();
        var old = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(old.Name, [Record(Catalogue[0])], Token);

        await Index.DropGenerationAsync(old.Name, Token);

        Assert.DoesNotContain(await Index.ListGenerationsAsync(Token), g => g.Name == old.Name);
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.GetAsync(old.Name, "p1", Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.ActivateGenerationAsync(old.Name, Token));
        Assert.Equal(6, await Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task DropGeneration_WhenLive_ThrowsInvalidOperation_AndKeepsIt()
    {
        var live = await SeedAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Index.DropGenerationAsync(live, Token));

        Assert.Equal(live, (await Index.GetLiveGenerationAsync(Token))!.Name);
        Assert.Equal(6, await Index.CountAsync(null, null, Token));
    }

    [Fact]
    public async Task UnknownGenerationName_ThrowsGenerationNotFound()
    {
        await SeedAsync();

        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.SearchAsync("no-such-generation", new ProductQuery(QueryE0), Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.UpsertAsync("no-such-generation", [Record(Catalogue[0])], Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.ActivateGenerationAsync("no-such-generation", Token));
        await Assert.ThrowsAsync<GenerationNotFoundException>(() => Index.DropGenerationAsync("no-such-generation", Token));
    }

    [Fact]
    public async Task ActivateGeneration_WhileSearchesRun_SearchesNeverFailAndSeeACompleteGeneration()
    {
        const int perGeneration = 40;
        const int switches = 20;
        var a = await Index.CreateGenerationAsync(TestModel, Token);
        var b = await Index.CreateGenerationAsync(TestModel, Token);
        await Index.UpsertAsync(a.Name, [.. Enumerable.Range(0, perGeneration).Select(i => Generated("a", i))], Token);
        await Index.UpsertAsync(b.Name, [.. Enumerable.Range(0, perGeneration).Select(i => Generated("b", i))], Token);
        await Index.ActivateGenerationAsync(a.Name, Token);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var switching = Task.Run(
            async () =>
            {
                for (var i = 0; i < switches; i++)
                {
                    await Index.ActivateGenerationAsync(i % 2 == 0 ? b.Name : a.Name, timeout.Token);
                    await Task.Yield();
                }
            },
            timeout.Token);
        var searchers = Enumerable.Range(0, 4).Select(_ => Task.Run(
            async () =>
            {
                var seen = new List<string>();
                do
                {
                    var hits = (await Index.SearchAsync(null, new ProductQuery(QueryE0, Limit: 100), timeout.Token)).Hits;
                    var prefixes = hits.Select(h => h.Product.Id[..1]).Distinct().ToList();
                    Assert.Equal(perGeneration, hits.Count);
                    seen.Add(Assert.Single(prefixes));
                    var filtered = await Index.CountAsync(null, ProductFilter.Equal(ProductSchema.Brand, "shared"), timeout.Token);
                    Assert.Equal(perGeneration, filtered);
                }
                while (!switching.IsCompleted);

                return seen;
            },
            timeout.Token)).ToList();

        await switching;
        var seenByEach = await Task.WhenAll(searchers);

        Assert.All(seenByEach, seen => Assert.NotEmpty(seen));
        Assert.All(seenByEach.SelectMany(s => s), prefix => Assert.True(prefix is "a" or "b", $"unexpected generation prefix {prefix}"));
        Assert.Equal(a.Name, (await Index.GetLiveGenerationAsync(Token))!.Name);
    }
}
