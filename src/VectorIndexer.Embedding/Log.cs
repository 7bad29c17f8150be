using Microsoft.Extensions.Logging;

namespace VectorIndexer.Embedding;

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Embedding model {Model} loaded from {Directory}: {Dimensions} dimensions, max length {MaxLength}, provider {Provider}, {Concurrency} concurrent calls x {Threads} threads")]
    public static partial void ModelLoaded(ILogger logger, string model, string directory, int dimensions, int maxLength, string provider, int concurrency, int threads);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "CUDA is not available, embedding runs on the CPU: {Reason}")]
    public static partial void CudaUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug,
        Message = "Embedded {Texts} texts ({Tokens} tokens) in {Batches} batches, {ElapsedMs} ms")]
    public static partial void Embedded(ILogger logger, int texts, long tokens, int batches, double elapsedMs);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "Made the int8 model {Model} in {Folder} ({Seconds:0.0} s); later starts reuse it")]
    public static partial void Int8ModelCreated(ILogger logger, string model, string folder, double seconds);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Embedding:Precision int8 runs {Model} on {Provider}: ONNX Runtime has no GPU kernel for its int8 layers, so they run on the CPU; fp32 (or auto) suits a GPU better")]
    public static partial void Int8OnGpu(ILogger logger, string model, string provider);
}
