using System.CommandLine;
using System.Text.Json;
using VectorIndexer.Embedding;
using VectorIndexer.Embedding.Quantization;

namespace VectorIndexer.Cli.Commands;

/// <summary><c>quantize</c>: an int8 copy of a model folder, usable with <c>Embedding:ModelPath</c>.</summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = $"A bundled model ({BundledModel.KeyList}; its pooling and prefixes are kept) or a model folder to quantize (model.onnx, vocab.txt, optional model.json). Default: {BundledModel.DefaultKey}." };
        var output = new Option<string>("--out", "-o") { Description = "Folder to write (model.onnx int8, vocab.txt, model.json); created when missing.", Required = true };
        var exclude = new Option<string[]>("--exclude")
        {
            Description = "Layers to keep in fp32, by layer name (encoder.layer.5.output.dense) or node name (MatMul_632); '*' is a wildcard. Repeat or separate with commas.",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of text." };
        var command = new Command(
            "quantize",
            "Dynamic int8 quantization of a BERT-style ONNX model: the weights of every MatMul/Gemm with a constant weight become int8 " +
            "(one scale per output column), activations are quantized at run time (ONNX Runtime's DynamicQuantizeMatMul); " +
            "embeddings, LayerNorm, attention scores and pooling stay fp32. The output folder works with Embedding:ModelPath.")
        {
            model, output, exclude, json,
        };
        command.SetAction(async (result, cancellationToken) => await CommandErrors.RunAsync(async () =>
        {
            var named = result.GetValue(model);
            var source = ModelArgument.Open(named);
            var patterns = (result.GetValue(exclude) ?? [])
                .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToList();
            var outDirectory = result.GetValue(output)!;
            var started = System.Diagnostics.Stopwatch.StartNew();
            var report = await Task.Run(() => QuantizedModelFolder.Write(source, outDirectory, new QuantizationOptions { Exclude = patterns }), cancellationToken);
            var unmatched = patterns.Where(p => !report.Excluded.Any(l => Int8Quantizer.Matches(p, l.Label) || Int8Quantizer.Matches(p, l.NodeName))).ToList();
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { report.SourceSha256, report.OutputSha256, report.SourceBytes, report.OutputBytes, report.Quantized, report.Excluded, Unmatched = unmatched }));
            }
            else
            {
                Console.WriteLine($"{source.Name} -> {Path.GetFullPath(outDirectory)} in {started.Elapsed.TotalSeconds:0.0} s");
                Console.WriteLine($"  model.onnx {report.SourceBytes / 1048576.0:0.0} MiB -> {report.OutputBytes / 1048576.0:0.0} MiB, SHA-256 {report.OutputSha256}");
                Console.WriteLine($"  int8: {report.Quantized.Count} layers ({report.Quantized.Count(l => l.BiasFolded)} with their bias add folded in)");
                foreach (var layer in report.Excluded)
                {
                    Console.WriteLine($"  fp32 (excluded): {layer.Label} ({layer.NodeName}, {layer.Rows} x {layer.Columns})");
                }
            }

            foreach (var pattern in unmatched)
            {
                await Console.Error.WriteLineAsync($"warning: --exclude '{pattern}' matched no quantizable layer.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
