using System.Text.Json;
using VectorIndexer.Evaluation;
using VectorIndexer.LoadTest;

// vectorindexer-load: closed-loop load on GET /api/search with real queries.
// Exit codes: 0 done, 1 the server could not be reached or a run failed, 2 bad usage.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"vectorindexer-load: {ex.Message}\n\n{LoadOptions.Usage}");
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

IReadOnlyList<EvaluationQuery> queries;
try
{
    queries = await EvaluationFiles.ReadQueriesAsync(options.QueriesPath, cancellationToken: cancel.Token);
}
catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
{
    await Console.Error.WriteLineAsync($"vectorindexer-load: {ex.Message}");
    return 2;
}

if (queries.Count == 0)
{
    await Console.Error.WriteLineAsync($"vectorindexer-load: {options.QueriesPath} holds no queries.");
    return 2;
}

using var http = SearchLoad.CreateClient(options);
try
{
    await SearchLoad.CheckReadyAsync(http, options, cancel.Token);
}
catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"vectorindexer-load: {options.BaseUrl} is not ready: {ex.Message}");
    return 1;
}

var results = new List<LoadResult>();
Console.Error.WriteLine($"{queries.Count} queries from {options.QueriesPath}; {options.Duration.TotalSeconds:0} s per level after {options.Warmup.TotalSeconds:0} s warm-up; against {options.BaseUrl}");
Console.WriteLine(LoadResult.TableHeader);
foreach (var clients in options.Clients)
{
    try
    {
        var result = await SearchLoad.RunAsync(http, options, queries, clients, cancel.Token);
        results.Add(result);
        Console.WriteLine(result.TableRow());
    }
    catch (OperationCanceledException)
    {
        await Console.Error.WriteLineAsync("vectorindexer-load: cancelled.");
        return 130;
    }
}

if (options.JsonPath is { } jsonPath)
{
    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results, LoadResult.JsonOptions), cancel.Token);
    Console.Error.WriteLine($"wrote {jsonPath}");
}

if (results.Find(r => r.ErrorStatuses.TryGetValue("429", out var limited) && limited * 100 > r.Requests) is { } throttled)
{
    await Console.Error.WriteLineAsync($"vectorindexer-load: {throttled.ErrorStatuses["429"]} of {throttled.Requests} requests at {throttled.Clients} clients were rate-limited (429): this measured the rate limiter. Run the server with Api__RateLimit__PermitLimit=0.");
    return 1;
}

return results.Exists(r => r.Requests == 0 || r.Errors == r.Requests) ? 1 : 0;
