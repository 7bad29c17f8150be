using System.Globalization;

namespace VectorIndexer.LoadTest;

/// <summary>Command line of <c>vectorindexer-load</c>.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: vectorindexer-load --queries <queries.tsv> [options]

          --url <base>          the search API (default http://localhost:5080)
          --queries <file>      TSV with columns query_id, query (e.g. ../shared/data/esci-srw/queries-dev.tsv)
          --clients <n,n,...>   concurrent closed-loop clients per level (default 1,8,32)
          --duration <s>        measured seconds per level (default 30)
          --warmup <s>          unmeasured seconds before each level (default 5)
          --k <n>               results per search (default 10)
          --mode <m>            search mode sent as &mode= (dense, lexical, hybrid); default: the server's
          --json <file>         also write the results as JSON
          --help                this text

        Each client sends the next query as soon as its previous answer arrives; queries are taken
        in turn from the file, so with more requests than queries they repeat: run the server with
        Search__QueryCacheSize=0 to measure the model on every request, and with
        Api__RateLimit__PermitLimit=0: the public rate limit (per client IP) would otherwise answer
        most requests with 429, and the run fails when it does.
        Latency is measured here, from sending the request to reading the whole body; the server's
        Server-Timing header (embed, search) splits it into embedding, index search and the rest
        (HTTP, JSON, queueing).
        """;

    public string BaseUrl { get; init; } = "http://localhost:5080";

    public string QueriesPath { get; init; } = "";

    public IReadOnlyList<int> Clients { get; init; } = [1, 8, 32];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public int K { get; init; } = 10;

    public string? Mode { get; init; }

    public string? JsonPath { get; init; }

    public bool ShowHelp { get; init; }

    /// <exception cref="ArgumentException">An unknown option, a missing or invalid value.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return options with { ShowHelp = true };
            }

            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--url" => options with { BaseUrl = Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? value.TrimEnd('/') : throw new ArgumentException($"--url: '{value}' is not an http(s) URL.") },
                "--queries" => options with { QueriesPath = value },
                "--clients" => options with { Clients = value.Split(',').Select(c => PositiveInt("--clients", c, 1024)).ToArray() },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(PositiveInt("--duration", value, 3600)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w <= 600 ? w : throw new ArgumentException($"--warmup: '{value}' is not a number of seconds from 0 to 600.")) },
                "--k" => options with { K = PositiveInt("--k", value, 100) },
                "--mode" => options with { Mode = value is "dense" or "lexical" or "hybrid" ? value : throw new ArgumentException($"--mode: '{value}' is not dense, lexical or hybrid.") },
                "--json" => options with { JsonPath = value },
                _ => throw new ArgumentException($"unknown option {name}."),
            };
        }

        if (string.IsNullOrWhiteSpace(options.QueriesPath))
        {
            throw new ArgumentException("--queries is required.");
        }

        return options;
    }

    private static int PositiveInt(string option, string value, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw new ArgumentException($"{option}: '{value}' is not a whole number from 1 to {max}.");
}
