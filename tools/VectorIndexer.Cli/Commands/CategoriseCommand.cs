using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;
using VectorIndexer.Embedding;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>categorise</c>: category suggestion by a similarity-weighted vote of the nearest products.
/// With <c>--eval</c>, measured on the catalogue leave-one-out (each product's category hidden and
/// voted by its neighbours): top-1 and top-3 accuracy at each level for each k, against the peer
/// that always answers the most common category, plus the products whose stated category their
/// neighbours disagree with most (likely miscategorised). Without it, suggests categories for a text.
/// </summary>
internal static class CategoriseCommand
{
    public static Command Create()
    {
        var engine = new EngineOptions();
        var catalogue = new CatalogueOptions();
        var eval = new Option<bool>("--eval") { Description = "Measure on the catalogue, leave-one-out." };
        var text = new Option<string?>("--text") { Description = "Without --eval: the product text (title and description) to suggest categories for." };
        var ks = new Option<string>("--k") { Description = "Neighbours that vote; with --eval a list to compare (default 10,5,20,50; the first of the list also gives the miscategorised list and --text its suggestions).", DefaultValueFactory = _ => "10,5,20,50" };
        var levels = new Option<int>("--levels") { Description = "Category levels to report (default 3).", DefaultValueFactory = _ => 3 };
        var miscategorised = new Option<string?>("--miscategorised") { Description = "With --eval: write every likely miscategorised product to this JSON Lines file." };
        var strongly = new Option<double>("--disagreement") { Description = "With --eval: flag a product when another category at a level gets at least this share of the vote (default 0.7) and its own at most a seventh of that.", DefaultValueFactory = _ => 0.7 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var command = new Command("categorise", "Suggest category paths from the nearest products; --eval measures it leave-one-out on the catalogue.")
        {
            eval, text, ks, levels, miscategorised, strongly, json,
        };
        catalogue.AddTo(command, engine);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = engine.CreateLoggerFactory(result);
            return await CommandErrors.RunAsync(async () =>
            {
                var kList = ParseKs(result.GetValue(ks)!);
                var levelCount = result.GetValue(levels);
                if (levelCount is < 1 or > 10)
                {
                    throw new InputException($"--levels: {levelCount} is not from 1 to 10.");
                }

                if (!result.GetValue(eval) && string.IsNullOrWhiteSpace(result.GetValue(text)))
                {
                    throw new InputException("Give --eval to measure on the catalogue, or --text to suggest categories for a product text.");
                }

                using var embedded = await catalogue.EmbedAsync(result, engine, loggers, "categorise", cancellationToken);
                if (!result.GetValue(eval))
                {
                    var vector = await embedded.Embedder.EmbedAsync(result.GetValue(text)!, EmbeddingPurpose.Document, cancellationToken);
                    var hits = (await embedded.Index.SearchAsync(null, new ProductQuery(vector, Limit: kList[0]), cancellationToken)).Hits;
                    var vote = CategoryVote.Vote(hits.Select(h => (h.Product.Category, h.Score)), maxPaths: 5);
                    foreach (var suggestion in vote.Paths)
                    {
                        Console.WriteLine($"{EsciCatalog.Format(suggestion.Confidence, "0.000")}  {string.Join(" > ", suggestion.Path)}");
                    }

                    return ExitCodes.Success;
                }

                return await EvaluateAsync(embedded, kList, levelCount, result.GetValue(strongly), result.GetValue(miscategorised), result.GetValue(json), cancellationToken);
            });
        });
        return command;
    }

    private static async Task<int> EvaluateAsync(EmbeddedCatalogue embedded, int[] kList, int levels, double disagreement, string? miscategorisedPath, bool json, CancellationToken cancellationToken)
    {
        var neighbours = new List<ProductNeighbours>();
        await foreach (var item in embedded.Index.NeighboursAsync(null, new NeighbourRequest(kList.Max()), cancellationToken))
        {
            neighbours.Add(item);
        }

        var categories = neighbours.ToDictionary(n => n.Product.Id, n => n.Product.Category, StringComparer.Ordinal);
        var labelled = neighbours.Where(n => n.Product.Category.Count > 0).ToList();

        // The peer: the most common path at each level, whatever the product.
        var prior = CategoryVote.RankedLevels(labelled.Select(n => (n.Product.Category, 1f)), levels);
        var rows = new List<Row> { Score("most common category", labelled, levels, _ => prior) };
        foreach (var k in kList.Order())
        {
            rows.Add(Score($"vote of {k} nearest", labelled, levels, n => CategoryVote.RankedLevels(Voters(n, k, categories), levels)));
        }

        var flagged = labelled
            .Select(n => Disagreement(n, kList[0], categories, disagreement))
            .OfType<Flag>()
            .OrderByDescending(f => f.Confidence)
            .ThenBy(f => f.Product.Id, StringComparer.Ordinal)
            .ToList();
        if (miscategorisedPath is not null)
        {
            await using var writer = new StreamWriter(miscategorisedPath, append: false, new UTF8Encoding(false));
            foreach (var flag in flagged)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    id = flag.Product.Id,
                    title = flag.Product.Title,
                    stated = flag.Product.Category,
                    level = flag.Level + 1,
                    suggested = flag.Suggested,
                    confidence = Math.Round(flag.Confidence, 4),
                    support = Math.Round(flag.Support, 4),
                }));
            }
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                products = neighbours.Count,
                labelled = labelled.Count,
                rows = rows.Select(r => new { method = r.Method, levels = r.Levels.Select((l, i) => new { level = i + 1, products = l.Products, top1 = Math.Round(l.Top1, 4), top3 = Math.Round(l.Top3, 4) }) }),
                miscategorised = flagged.Count,
            }));
            return ExitCodes.Success;
        }

        Console.WriteLine($"{labelled.Count:N0} of {neighbours.Count:N0} products have a category; each is voted by its nearest others (itself left out), {embedded.Model.Name}.");
        Console.WriteLine();
        Console.WriteLine("| Method | " + string.Join(" | ", Enumerable.Range(1, levels).Select(l => $"Level {l} top-1 | Level {l} top-3")) + " |");
        Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|---:|", levels)));
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Method} | " + string.Join(" | ", row.Levels.Select(l => $"{EsciCatalog.Format(l.Top1, "0.000")} | {EsciCatalog.Format(l.Top3, "0.000")}")) + " |");
        }

        Console.WriteLine();
        Console.WriteLine("Products per level: " + string.Join(", ", rows[0].Levels.Select((l, i) => $"level {i + 1}: {l.Products:N0}")));
        Console.WriteLine($"Likely miscategorised (vote of {kList[0]}: another path at a level has ≥ {EsciCatalog.Format(disagreement, "0.##")} of the vote, the stated one ≤ a seventh of that): {flagged.Count:N0}" + (miscategorisedPath is null ? string.Empty : $" → {miscategorisedPath}"));
        foreach (var flag in flagged.Take(10))
        {
            Console.WriteLine($"  {flag.Product.Id} \"{Shorten(flag.Product.Title)}\": stated {string.Join(" > ", flag.Product.Category.Take(flag.Level + 1))}; neighbours say {string.Join(" > ", flag.Suggested)} ({EsciCatalog.Format(flag.Confidence, "0.00")}, stated {EsciCatalog.Format(flag.Support, "0.00")})");
        }

        return ExitCodes.Success;
    }

    private static IEnumerable<(IReadOnlyList<string> Category, float Score)> Voters(ProductNeighbours item, int k, Dictionary<string, IReadOnlyList<string>> categories) =>
        item.Neighbours.Take(k).Select(n => (categories[n.ProductId], n.Score));

    private static Row Score(string method, List<ProductNeighbours> labelled, int levels, Func<ProductNeighbours, IReadOnlyList<IReadOnlyList<CategorySuggestion>>> rank)
    {
        var products = new int[levels];
        var top1 = new int[levels];
        var top3 = new int[levels];
        foreach (var item in labelled)
        {
            var ranked = rank(item);
            var path = item.Product.Category;
            for (var level = 0; level < Math.Min(levels, path.Count); level++)
            {
                products[level]++;
                var position = ranked[level].Take(3).Select((s, i) => (s, i)).FirstOrDefault(x => x.s.Path.SequenceEqual(path.Take(level + 1), StringComparer.Ordinal), (null!, -1)).Item2;
                top1[level] += position == 0 ? 1 : 0;
                top3[level] += position >= 0 ? 1 : 0;
            }
        }

        return new Row(method, [.. Enumerable.Range(0, levels).Select(l => new LevelScore(products[l], products[l] == 0 ? 0 : (double)top1[l] / products[l], products[l] == 0 ? 0 : (double)top3[l] / products[l]))]);
    }

    /// <summary>The first level at which another path has at least <paramref name="share"/> of the vote and the stated one at most a seventh of that.</summary>
    private static Flag? Disagreement(ProductNeighbours item, int k, Dictionary<string, IReadOnlyList<string>> categories, double share)
    {
        var path = item.Product.Category;
        var ranked = CategoryVote.RankedLevels(Voters(item, k, categories), path.Count);
        for (var level = 0; level < path.Count; level++)
        {
            if (ranked[level].Count == 0)
            {
                return null;
            }

            var stated = path.Take(level + 1).ToArray();
            var best = ranked[level][0];
            var support = ranked[level].FirstOrDefault(s => s.Path.SequenceEqual(stated, StringComparer.Ordinal))?.Confidence ?? 0;
            if (best.Confidence >= share && support <= best.Confidence / 7 && !best.Path.SequenceEqual(stated, StringComparer.Ordinal))
            {
                return new Flag(item.Product, level, best.Path, best.Confidence, support);
            }
        }

        return null;
    }

    private static int[] ParseKs(string value)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ks = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k is < 1 or > NeighbourRequest.MaxK)
            {
                throw new InputException($"--k: '{part}' is not a whole number from 1 to {NeighbourRequest.MaxK}.");
            }

            ks.Add(k);
        }

        return ks.Count == 0 ? throw new InputException("--k: give at least one number.") : [.. ks.Distinct()];
    }

    private static string Shorten(string title) => title.Length <= 60 ? title : title[..57] + "...";

    private sealed record LevelScore(int Products, double Top1, double Top3);

    private sealed record Row(string Method, IReadOnlyList<LevelScore> Levels);

    private sealed record Flag(Product Product, int Level, IReadOnlyList<string> Suggested, double Confidence, double Support);
}
