using Microsoft.Extensions.Logging;

namespace VectorIndexer.Index.Embedded;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Embedded product index opened at {Path}: {Generations} generations, {Records} records, live {Live}, loaded in {ElapsedMs} ms")]
    public static partial void Opened(ILogger logger, string path, int generations, long records, string live, long elapsedMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Generation {Generation} created for model {Model} ({Dimensions} dimensions)")]
    public static partial void GenerationCreated(ILogger logger, string generation, string model, int dimensions);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information,
        Message = "Generation {Generation} is live ({Records} records); previous {Previous}")]
    public static partial void GenerationActivated(ILogger logger, string generation, int records, string previous);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information,
        Message = "Generation {Generation} dropped ({Records} records)")]
    public static partial void GenerationDropped(ILogger logger, string generation, int records);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug,
        Message = "Upserted {Records} records into generation {Generation} in {ElapsedMs} ms")]
    public static partial void Upserted(ILogger logger, int records, string generation, double elapsedMs);
}
