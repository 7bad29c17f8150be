using System.CommandLine;
using System.Globalization;
using VectorIndexer.Training;
using VectorIndexer.Training.Bert;

namespace VectorIndexer.Cli.Commands;

/// <summary>
/// <c>average-models</c>: one model folder whose weights are the weighted mean of several models
/// fine-tuned from one base (a model soup; with the base among them, a step back towards it).
/// </summary>
internal static class AverageModelsCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model")
        {
            Description = "A model to average: a bundled model (minilm, arctic-xs) or an fp32 model folder; repeat it, two or more, all fine-tuned from one base (or that base).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var weights = new Option<string?>("--weights") { Description = "Comma-separated weights, one per --model in their order (normalised to sum to 1). Default: equal weights." };
        var output = new Option<string>("--out", "-o") { Description = "The model folder to write (model.onnx, vocab.txt, model.json); must not exist yet, or be empty.", Required = true };
        var command = new Command(
            "average-models",
            "Average the weights of models fine-tuned from one base into one model folder for Embedding:ModelPath (a model soup; with the base model among them, an interpolation back towards it). " +
            "The models must share the architecture, vocabulary, pooling and prefixes; the first one's settings are kept.")
        {
            models, weights, output,
        };
        command.SetAction(async (result, cancellationToken) => await CommandErrors.RunAsync(async () =>
        {
            var named = result.GetValue(models)!.SelectMany(m => m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (named.Count < 2)
            {
                throw new InputException($"--model: give two models or more to average, not {named.Count}.");
            }

            var shares = ParseWeights(result.GetValue(weights), named.Count);
            var total = shares.Sum();
            var outDirectory = Path.GetFullPath(result.GetValue(output)!);
            if (Directory.Exists(outDirectory) && Directory.EnumerateFileSystemEntries(outDirectory).Any())
            {
                throw new InputException($"--out '{outDirectory}' already exists and is not empty; write the model to a new folder.");
            }

            var opened = named.Select(ModelArgument.Open).ToList();
            try
            {
                ModelAveraging.RequireCompatible(opened);
                var graphs = opened.Select(m => BertGraph.Read(m.OnnxPath)).ToList();
                var averaged = await Task.Run(() => ModelAveraging.Average(graphs, shares), cancellationToken);
                var record = new
                {
                    models = opened.Select((m, i) => new { m.Name, source = m.Bundled?.Key ?? m.Directory, m.Identity, weight = Math.Round(shares[i] / total, 6) }).ToList(),
                    createdAt = DateTimeOffset.UtcNow,
                };
                FineTunedModelFolder.Write(outDirectory, graphs[0], averaged, opened[0], "averaging", record);
            }
            catch (InvalidDataException ex)
            {
                throw new InputException($"--model: {ex.Message}");
            }
            catch (ArgumentException ex) when (ex.ParamName == "weights")
            {
                throw new InputException($"--weights: {ex.Message.Split(" (Parameter", 2)[0]}");
            }

            Console.WriteLine($"{string.Join(" + ", opened.Select((m, i) => $"{shares[i] / total:0.###} x {m.Bundled?.Key ?? m.Directory}"))} -> {outDirectory}");
            Console.WriteLine($"  serve it: Embedding__ModelPath={outDirectory}, then reindex from the dashboard; check it first with eval --model {outDirectory}");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The numbers of --weights (equal weights when absent); their range is the averaging's to check.</summary>
    private static double[] ParseWeights(string? text, int count) =>
        text is null
            ? [.. Enumerable.Repeat(1.0, count)]
            : [.. text.Split(',', StringSplitOptions.TrimEntries).Select(part => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InputException($"--weights: '{part}' is not a number."))];
}
