using System.CommandLine;
using VectorIndexer.Cli.Commands;
using Microsoft.Extensions.Logging;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;
using VectorIndexer.Embedding;
using VectorIndexer.Evaluation;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.Cli;

/// <summary>The catalogue options of commands that embed a feed into an in-memory index (eval, neighbours, categorise).</summary>
internal sealed class CatalogueOptions
{
    public Option<string?> Products { get; } = new("--products") { Description = "Catalogue feed (JSON Lines or CSV). Default: ../shared/data/esci-srw/products.jsonl." };

    public Option<string> Mapping { get; } = new("--mapping") { Description = "Feed mapping: a built-in name (esci, default) or a mapping JSON file.", DefaultValueFactory = _ => "esci" };

    public Option<string?> Cache { get; } = new("--cache") { Description = "Embedding cache folder. Default: artifacts/cache/embeddings under the repository root." };

    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Embed every product, neither reading nor writing the cache." };

    public IEnumerable<Option> All => [Products, Mapping, Cache, NoCache];

    /// <summary>Adds these options and the engine's to <paramref name="command"/>.</summary>
    public void AddTo(Command command, EngineOptions engine)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }

        engine.AddTo(command);
    }

    /// <summary>The products file given, or the default one beside the repository.</summary>
    public string ProductsPath(ParseResult result) => EsciCatalog.RequireProductsFile(result.GetValue(Products));

    /// <summary>Every valid product of the feed (rejected lines reported on stderr with their numbers).</summary>
    public async Task<List<Product>> ReadAsync(ParseResult result, string productsPath, CancellationToken cancellationToken)
    {
        var mapping = await EvalCommand.ReadMappingAsync(result.GetValue(Mapping) ?? "esci", cancellationToken);
        return await EvalCommand.ReadCatalogueAsync(productsPath, mapping, cancellationToken);
    }

    /// <summary>The embedding cache of the model, or null with <c>--no-cache</c>; a cache that cannot be read is a warning.</summary>
    public async Task<EmbeddingCache?> OpenCacheAsync(ParseResult result, OnnxEmbedder embedder, CancellationToken cancellationToken)
    {
        if (result.GetValue(NoCache))
        {
            return null;
        }

        var cache = await EmbeddingCache.OpenAsync(result.GetValue(Cache) ?? DefaultCacheDirectory(), embedder.Model.Identity, embedder.MaxLength, embedder.Dimensions, cancellationToken);
        if (cache.LoadProblem is { } problem)
        {
            await Console.Error.WriteLineAsync($"warning: {problem}");
        }

        return cache;
    }

    /// <summary>
    /// Reads the catalogue (unless given) and embeds it (vectors in the cache reused) into a live
    /// generation of an in-memory index with the lexical settings given, with a progress bar on stderr.
    /// </summary>
    public async Task<EmbeddedCatalogue> EmbedAsync(
        ParseResult result, EngineOptions engine, ILoggerFactory loggers, string command, CancellationToken cancellationToken, LexicalOptions? lexical = null, IReadOnlyList<Product>? catalogue = null)
    {
        var productsPath = ProductsPath(result);
        catalogue ??= await ReadAsync(result, productsPath, cancellationToken);
        var embedder = new OnnxEmbedder(engine.Read(result), loggers.CreateLogger<OnnxEmbedder>());
        var index = EmbeddedProductIndex.CreateInMemory(lexical: lexical);
        try
        {
            var vectors = await OpenCacheAsync(result, embedder, cancellationToken);
            var embedded = new EmbeddedCatalogue(index, embedder, catalogue, vectors);
            await Console.Error.WriteLineAsync($"{command}: {catalogue.Count} products of {productsPath}, model {embedder.Model.Name} (max length {embedder.MaxLength}) on {embedder.ExecutionProvider}");
            var bar = new ProgressLine(Console.Error, "embedding catalogue");
            var done = await embedded.Evaluation.IndexAsync(catalogue, new SynchronousProgress<CatalogueProgress>(bar.Report), cancellationToken);
            bar.Finish();
            embedded.Indexed = done;
            await Console.Error.WriteLineAsync($"embedded {done.Embedded}, from cache {done.FromCache}" + (vectors is null ? " (cache off)" : $" (cache {vectors.FilePath})"));
            return embedded;
        }
        catch
        {
            index.Dispose();
            embedder.Dispose();
            throw;
        }
    }

    internal static string DefaultCacheDirectory()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VectorIndexer.sln")))
            {
                return Path.Combine(dir.FullName, "artifacts", "cache", "embeddings");
            }
        }

        return Path.Combine(Environment.CurrentDirectory, "artifacts", "cache", "embeddings");
    }
}

/// <summary>A catalogue embedded into an in-memory index (live generation), with the engine that embedded it and its cache.</summary>
internal sealed class EmbeddedCatalogue : IDisposable
{
    public EmbeddedCatalogue(EmbeddedProductIndex index, OnnxEmbedder embedder, IReadOnlyList<Product> products, EmbeddingCache? cache)
    {
        Index = index;
        Embedder = embedder;
        Products = products;
        Cache = cache;
        Model = new IndexModel(embedder.Model.Name, embedder.Dimensions);
        Evaluation = EvaluationOver(index);
    }

    public EmbeddedProductIndex Index { get; }

    public OnnxEmbedder Embedder { get; }

    public IReadOnlyList<Product> Products { get; }

    public EmbeddingCache? Cache { get; }

    public IndexModel Model { get; }

    /// <summary>How the catalogue was indexed: embedded, or taken from the cache.</summary>
    public CatalogueProgress Indexed { get; set; }

    /// <summary>Ranking and indexing over <see cref="Index"/>.</summary>
    public RetrievalEvaluation Evaluation { get; }

    /// <summary>The same engine, composer and cache over another index (e.g. one with other lexical settings).</summary>
    public RetrievalEvaluation EvaluationOver(IProductIndex index) => new(
        index,
        Model,
        (texts, ct) => Embedder.EmbedAsync(texts, EmbeddingPurpose.Document, ct),
        (texts, ct) => Embedder.EmbedAsync(texts, EmbeddingPurpose.Query, ct),
        new ProductTextComposer(),
        Cache);

    public void Dispose()
    {
        Index.Dispose();
        Embedder.Dispose();
    }
}
