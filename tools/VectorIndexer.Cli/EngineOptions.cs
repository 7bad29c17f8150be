using System.CommandLine;
using Microsoft.Extensions.Logging;
using VectorIndexer.Embedding;

namespace VectorIndexer.Cli;

/// <summary>The engine settings every command that embeds accepts.</summary>
internal sealed class EngineOptions
{
    public Option<string?> Model { get; } = new("--model") { Description = $"A bundled model ({BundledModel.KeyList}) or a model folder (model.onnx, vocab.txt, optional model.json). Default: {BundledModel.DefaultKey}." };

    public Option<EmbeddingDevice> Device { get; } = new("--device") { Description = "auto, cuda or cpu.", DefaultValueFactory = _ => EmbeddingDevice.Auto };

    public Option<EmbeddingPrecision> Precision { get; } = new("--precision") { Description = "fp32, int8 (the bundled model quantized once and cached; a folder of one's own must be quantized with 'quantize') or auto (int8 for the bundled model on the CPU).", DefaultValueFactory = _ => new EmbeddingOptions().Precision };

    public Option<int?> MaxLength { get; } = new("--max-length") { Description = "Tokens per text; longer texts are truncated (default 256)." };

    public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "Most texts per model call." };

    public Option<int?> MaxTokens { get; } = new("--max-tokens") { Description = "Most padded tokens per model call." };

    public Option<int?> Threads { get; } = new("--threads") { Description = "ONNX Runtime threads per model call." };

    public Option<int?> Concurrency { get; } = new("--concurrency") { Description = "Model calls at once (default: one per processor)." };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Log details to stderr." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Device, Precision, MaxLength, BatchSize, MaxTokens, Threads, Concurrency, Verbose })
        {
            command.Options.Add(option);
        }
    }

    public EmbeddingOptions Read(ParseResult result)
    {
        var defaults = new EmbeddingOptions();
        var model = result.GetValue(Model);
        var bundled = model is not null && !Directory.Exists(model) ? BundledModel.Find(model) : null;
        return new EmbeddingOptions
        {
            Model = bundled?.Key ?? defaults.Model,
            ModelPath = bundled is null ? model : null,
            Device = result.GetValue(Device),
            Precision = result.GetValue(Precision),
            MaxLength = result.GetValue(MaxLength) ?? defaults.MaxLength,
            MaxBatchSize = result.GetValue(BatchSize) ?? defaults.MaxBatchSize,
            MaxTokensPerBatch = result.GetValue(MaxTokens) ?? Math.Max(defaults.MaxTokensPerBatch, result.GetValue(MaxLength) ?? 0),
            IntraOpThreads = result.GetValue(Threads) ?? defaults.IntraOpThreads,
            Concurrency = result.GetValue(Concurrency) ?? defaults.Concurrency,
        };
    }

    public ILoggerFactory CreateLoggerFactory(ParseResult result) =>
        LoggerFactory.Create(builder => builder
            .SetMinimumLevel(result.GetValue(Verbose) ? LogLevel.Debug : LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
