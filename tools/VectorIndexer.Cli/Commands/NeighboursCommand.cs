using System.CommandLine;
using System.Text.Json;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Similarity;
using VectorIndexer.Index.Embedded;
using VectorIndexer.Worker.Similarity;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>neighbours</c>: the similarity graph of a catalogue, kept sparse. For every product its k
/// nearest others with their cosine (JSON Lines), and optionally the groups of near-duplicates
/// above a threshold. Reads an embedded index folder (<c>--index</c>, its live generation) or
/// embeds a catalogue feed into memory first (<c>--products</c>, cached vectors reused).
/// </summary>
internal static class NeighboursCommand
{
    public static Command Create()
    {
        var engine = new EngineOptions();
        var catalogue = new CatalogueOptions();
        var index = new Option<string?>("--index") { Description = "An embedded index folder (Index:Embedded:DataDirectory) to export the live generation of; the app must not hold it open. Without it the catalogue of --products is embedded first." };
        var generation = new Option<string?>("--generation") { Description = "With --index: a generation other than the live one." };
        var k = new Option<int>("--k") { Description = $"Neighbours per product (1-{NeighbourRequest.MaxK}, default 20).", DefaultValueFactory = _ => 20 };
        var sameCategory = new Option<bool>("--same-category") { Description = "Only neighbours within the product's category (their path holds every level of its own)." };
        var minScore = new Option<float?>("--min-score") { Description = "Leave out neighbours with a lower cosine." };
        var output = new Option<string>("--out") { Description = "The neighbours file (JSON Lines: id, title, category, neighbours [{id, score}]).", Required = true };
        var duplicates = new Option<string?>("--duplicates") { Description = "Also write the near-duplicate groups to this file (JSON Lines: members, size, minLinkScore, maxLinkScore)." };
        var threshold = new Option<float>("--duplicate-threshold") { Description = "The cosine at or above which two products are near-duplicates (default 0.95).", DefaultValueFactory = _ => 0.95f };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary to stdout." };
        var command = new Command("neighbours", "Export every product's k nearest products (and near-duplicate groups) as JSON Lines.")
        {
            index, generation, k, sameCategory, minScore, output, duplicates, threshold, json,
        };
        catalogue.AddTo(command, engine);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = engine.CreateLoggerFactory(result);
            return await CommandErrors.RunAsync(async () =>
            {
                var request = new NeighbourRequest(result.GetValue(k), result.GetValue(sameCategory), result.GetValue(minScore));
                try
                {
                    request.ThrowIfInvalid();
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    throw new InputException($"--{(ex.ParamName == nameof(NeighbourRequest.K) ? "k" : "min-score")}: {ex.Message}");
                }

                var duplicateThreshold = result.GetValue(threshold);
                if (!(duplicateThreshold > 0 && duplicateThreshold <= 1))
                {
                    throw new InputException($"--duplicate-threshold: {duplicateThreshold} is not above 0 and at most 1.");
                }

                var duplicatesPath = result.GetValue(duplicates);
                if (duplicatesPath is not null && Path.GetFullPath(duplicatesPath) == Path.GetFullPath(result.GetValue(output)!))
                {
                    throw new InputException("--duplicates: give a file other than --out.");
                }
                IProductIndex source;
                IDisposable owned;
                string? target = null;
                if (result.GetValue(index) is { } folder)
                {
                    if (!Directory.Exists(folder))
                    {
                        throw new InputException($"--index: no folder '{folder}'.");
                    }

                    var opened = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = folder });
                    (source, owned, target) = (opened, opened, result.GetValue(generation));
                }
                else
                {
                    var embedded = await catalogue.EmbedAsync(result, engine, loggers, "neighbours", cancellationToken);
                    (source, owned) = (embedded.Index, embedded);
                }

                using (owned)
                {
                    var total = await source.CountAsync(target, cancellationToken: cancellationToken);
                    var bar = new CountLine(Console.Error, "neighbours");
                    var summary = await NeighboursExport.WriteAsync(
                        source,
                        target,
                        request,
                        result.GetValue(output)!,
                        duplicatesPath is null ? null : (duplicatesPath, duplicateThreshold),
                        total,
                        new SynchronousProgress<NeighboursExportProgress>(p => bar.Report(p.Done, p.Total, p.Elapsed)),
                        cancellationToken);
                    bar.Finish();
                    await Console.Error.WriteLineAsync(
                        $"neighbours: {summary.Products} products, {summary.Neighbours} neighbours (k {request.K}) in {EsciCatalog.Format(summary.Elapsed.TotalSeconds, "0.00")} s → {result.GetValue(output)}" +
                        (duplicatesPath is null ? string.Empty : $"; {summary.DuplicateGroups} near-duplicate groups at cosine ≥ {EsciCatalog.Format(duplicateThreshold, "0.###")} → {duplicatesPath}"));
                    if (result.GetValue(json))
                    {
                        Console.WriteLine(JsonSerializer.Serialize(new
                        {
                            products = summary.Products,
                            neighbours = summary.Neighbours,
                            k = request.K,
                            sameCategory = request.SameCategory,
                            duplicateGroups = summary.DuplicateGroups,
                            seconds = Math.Round(summary.Elapsed.TotalSeconds, 3),
                        }));
                    }
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }
}
