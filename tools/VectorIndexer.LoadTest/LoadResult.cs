using System.Globalization;
using System.Text.Json;

namespace VectorIndexer.LoadTest;

/// <summary>What one level of load gave.</summary>
/// <param name="Clients">Concurrent clients.</param>
/// <param name="Seconds">Measured time.</param>
/// <param name="Requests">Requests completed (answered or failed) in that time.</param>
/// <param name="Errors">Requests without a 2xx answer (status 0: no answer at all).</param>
/// <param name="ErrorStatuses">Count per failing status.</param>
/// <param name="RequestsPerSecond">Successful requests per second.</param>
/// <param name="P50Ms">Median latency of successful requests, as the client saw it.</param>
/// <param name="P95Ms">95th percentile.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="MaxMs">Slowest.</param>
/// <param name="MeanMs">Mean latency.</param>
/// <param name="EmbedMeanMs">Mean time the server spent embedding the query (Server-Timing), when reported.</param>
/// <param name="SearchMeanMs">Mean time the server spent searching the index, when reported.</param>
internal sealed record LoadResult(
    int Clients,
    double Seconds,
    long Requests,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorStatuses,
    double RequestsPerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    double MeanMs,
    double? EmbedMeanMs,
    double? SearchMeanMs)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public const string TableHeader = "| clients | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | embed | search | rest (HTTP, JSON, queueing) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /// <summary>Share of the mean latency spent embedding, searching, and elsewhere.</summary>
    public (double Embed, double Search, double Other)? Shares =>
        EmbedMeanMs is { } embed && SearchMeanMs is { } search && MeanMs > 0
            ? (embed / MeanMs, search / MeanMs, Math.Max(0, 1 - ((embed + search) / MeanMs)))
            : null;

    public static LoadResult From(int clients, TimeSpan elapsed, IReadOnlyList<Sample> samples)
    {
        var ok = samples.Where(s => s.IsSuccess).Select(s => s.Latency.TotalMilliseconds).ToArray();
        Array.Sort(ok);
        var errors = samples.Where(s => !s.IsSuccess)
            .GroupBy(s => s.Status == 0 ? "no answer" : s.Status.ToString(CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (long)g.LongCount(), StringComparer.Ordinal);
        var timed = samples.Where(s => s.IsSuccess && s.EmbedMs is not null && s.SearchMs is not null).ToArray();
        return new LoadResult(
            clients,
            elapsed.TotalSeconds,
            samples.Count,
            samples.Count - ok.Length,
            errors,
            ok.Length / elapsed.TotalSeconds,
            Percentile(ok, 0.50),
            Percentile(ok, 0.95),
            Percentile(ok, 0.99),
            ok.Length > 0 ? ok[^1] : 0,
            ok.Length > 0 ? ok.Average() : 0,
            timed.Length > 0 ? timed.Average(s => s.EmbedMs!.Value) : null,
            timed.Length > 0 ? timed.Average(s => s.SearchMs!.Value) : null);
    }

    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    internal static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public string TableRow()
    {
        var shares = Shares;
        var embed = shares is { } s1 ? FormattableString.Invariant($"{EmbedMeanMs:0.00} ms ({s1.Embed * 100:0}%)") : "n/a";
        var search = shares is { } s2 ? FormattableString.Invariant($"{SearchMeanMs:0.00} ms ({s2.Search * 100:0}%)") : "n/a";
        var rest = shares is { } s3 ? FormattableString.Invariant($"{MeanMs - EmbedMeanMs!.Value - SearchMeanMs!.Value:0.00} ms ({s3.Other * 100:0}%)") : "n/a";
        return string.Create(CultureInfo.InvariantCulture, $"| {Clients} | {RequestsPerSecond:0.0} | {P50Ms:0.00} | {P95Ms:0.00} | {P99Ms:0.00} | {MaxMs:0.00} | {Errors} | {embed} | {search} | {rest} |");
    }
}
