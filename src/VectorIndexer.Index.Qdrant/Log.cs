using Microsoft.Extensions.Logging;

namespace VectorIndexer.Index.Qdrant;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Qdrant {Operation} failed with {Status} (attempt {Attempt} of {MaxRetries} retries); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string operation, string status, int attempt, int maxRetries, double delayMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Connected to Qdrant {ServerVersion} at {Endpoint} (client {ClientVersion})")]
    public static partial void Connected(ILogger logger, string serverVersion, Uri endpoint, string clientVersion);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Qdrant server {ServerVersion} at {Endpoint} is a {Drift} version away from the client library {ClientVersion}; Qdrant supports clients of the same minor version, pin the server image to match")]
    public static partial void VersionMismatch(ILogger logger, string serverVersion, Uri endpoint, string clientVersion, VersionDrift drift);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Qdrant reports version {ServerVersion}, which could not be compared with the client library {ClientVersion}")]
    public static partial void VersionUnknown(ILogger logger, string serverVersion, string clientVersion);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
        Message = "An API key is configured for Qdrant at {Endpoint} but the connection is not encrypted; the key crosses the network in clear text")]
    public static partial void ApiKeyWithoutTls(ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information,
        Message = "Created generation {Generation} for model {Model} ({Dimensions} dimensions) with {Indexes} payload indexes")]
    public static partial void GenerationCreated(ILogger logger, string generation, string model, int dimensions, int indexes);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information,
        Message = "Generation {Generation} is live (was {Previous})")]
    public static partial void GenerationActivated(ILogger logger, string generation, string previous);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information,
        Message = "Dropped generation {Generation}")]
    public static partial void GenerationDropped(ILogger logger, string generation);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug,
        Message = "Upserted {Records} records into {Generation} in {Batches} batches")]
    public static partial void Upserted(ILogger logger, int records, string generation, int batches);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Warning,
        Message = "Collection behind {Target} has no lexical vectors (created before lexical search): hybrid search falls back to dense; reindex to get hybrid results")]
    public static partial void HybridFallsBackToDense(ILogger logger, string target);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning,
        Message = "Generation {Generation} was built with lexical settings that differ from Index:Qdrant:Lexical ({Differences}); its queries and upserts keep using the recorded settings, the configured ones apply to generations built from now on (reindex)")]
    public static partial void LexicalSettingsRecorded(ILogger logger, string generation, string differences);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning,
        Message = "Generation {Generation} has lexical settings that cannot be read back ({Reason}; differences from Index:Qdrant:Lexical: {Differences}); its queries and upserts use the configured settings, so its lexical scores may be off until a reindex")]
    public static partial void LexicalSettingsUnreadable(ILogger logger, string generation, string reason, string differences);
}
