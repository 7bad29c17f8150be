using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using VectorIndexer.Catalog;
using VectorIndexer.Core;
using VectorIndexer.Embedding;
using VectorIndexer.Index.Embedded;

namespace VectorIndexer.CrashTest;

/// <summary>
/// Kill -9 harness for the all-in-one app: a full reindex of a catalogue at first start, pushes
/// arriving over HTTP meanwhile, SIGKILL at random points of the reindex and a restart each time;
/// at the end every accepted push must be applied as last written, the live generation whole (count
/// and a sample of vectors equal a clean embedding) and no other generation left.
/// </summary>
internal static class Program
{
    private const string Usage = """
        vectorindexer-crashtest: SIGKILL the all-in-one app at random points of a full reindex, with pushes arriving, and check nothing accepted is lost.

        Options:
          --app <dll>        the built app (default: src/VectorIndexer.App/bin/Release/net10.0/VectorIndexer.App.dll; build it with
                             dotnet build -c Release src/VectorIndexer.App)
          --products <file>  catalogue feed (default: ../shared/data/esci-srw/products.jsonl)
          --mapping <name>   its field mapping (default: esci)
          --kills <n>        kills during the reindex (default 20)
          --last-kill <pct>  kill points fall between 2 % and this percentage of the reindex (default 98; a small
                             catalogue that an int8 model embeds in seconds needs room left after the last kill)
          --seed <n>         seed of the kill points and pushes (default 1)
          --sample <n>       vectors compared with a clean embedding (default 50)
          --work <dir>       folder of the app's data (default: a new temporary folder, removed when all checks pass)
          --json             print the summary as one JSON object
        Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or the app could not run.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> Main(string[] args)
    {
        Settings settings;
        try
        {
            settings = Settings.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message}\n\n{Usage}");
            return 2;
        }

        if (settings.Help)
        {
            await Console.Out.WriteLineAsync(Usage);
            return 0;
        }

        try
        {
            var report = await new Harness(settings).RunAsync();
            await Console.Out.WriteLineAsync(settings.Json ? JsonSerializer.Serialize(report, Json) : report.ToText());
            return report.Failures.Count == 0 ? 0 : 1;
        }
        catch (HarnessException ex)
        {
            await Console.Error.WriteLineAsync($"crashtest: {ex.Message}");
            return 2;
        }
    }
}

internal sealed class HarnessException(string message) : Exception(message);

internal sealed record Settings(string App, string Products, string Mapping, int Kills, int LastKill, int Seed, int Sample, string? Work, bool Json, bool Help)
{
    public static Settings Parse(string[] args)
    {
        var root = RepositoryRoot();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool json = false, help = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--help" or "-h": help = true; break;
                case "--app" or "--products" or "--mapping" or "--kills" or "--last-kill" or "--seed" or "--sample" or "--work" when i + 1 < args.Length:
                    values[args[i]] = args[++i];
                    break;
                default: throw new ArgumentException($"Unknown or incomplete option '{args[i]}'.");
            }
        }

        int Number(string name, int fallback, int min, int max = int.MaxValue) =>
            !values.TryGetValue(name, out var text) ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
            : throw new ArgumentException(max == int.MaxValue ? $"{name}: '{text}' is not a whole number of at least {min}." : $"{name}: '{text}' is not a whole number from {min} to {max}.");

        return new Settings(
            Path.GetFullPath(values.GetValueOrDefault("--app") ?? Path.Combine(root, "src/VectorIndexer.App/bin/Release/net10.0/VectorIndexer.App.dll")),
            Path.GetFullPath(values.GetValueOrDefault("--products") ?? Path.Combine(root, "../shared/data/esci-srw/products.jsonl")),
            values.GetValueOrDefault("--mapping") ?? "esci",
            Number("--kills", 20, 0),
            Number("--last-kill", 98, 5, 100),
            Number("--seed", 1, 0),
            Number("--sample", 50, 1),
            values.GetValueOrDefault("--work"),
            json,
            help);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VectorIndexer.sln")))
            {
                return dir.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }
}

/// <summary>What a run found.</summary>
internal sealed record Report(
    int KillsPlanned,
    int KillsDone,
    int Starts,
    int PushesAccepted,
    int PushesRefusedWhileDown,
    int ProductsChecked,
    int Lost,
    long LiveCount,
    long ExpectedCount,
    int Generations,
    int VectorsCompared,
    double MinCosine,
    double WallSeconds,
    IReadOnlyList<string> Failures)
{
    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"""
        kills survived     {KillsDone} of {KillsPlanned} planned ({Starts} starts)
        pushes accepted    {PushesAccepted} (refused while the app was down: {PushesRefusedWhileDown})
        products checked   {ProductsChecked} pushed ids, lost or stale: {Lost}
        live generation    {LiveCount} products, expected {ExpectedCount}; generations left: {Generations}
        vectors compared   {VectorsCompared}, min cosine to a clean embedding {MinCosine:0.000000}
        wall time          {WallSeconds:0.0} s
        result             {(Failures.Count == 0 ? "PASS" : "FAIL: " + string.Join("; ", Failures))}
        """);
}

/// <summary>One accepted write: what the product should be after it (null title: deleted).</summary>
internal sealed record Write(string ProductId, Product? Product, string JobId);

internal sealed class Harness(Settings settings)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _key = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly List<Write> _writes = [];
    private int _refused;

    public async Task<Report> RunAsync()
    {
        if (!File.Exists(settings.App))
        {
            throw new HarnessException($"The app is not built at {settings.App}: run dotnet build -c Release src/VectorIndexer.App (or pass --app).");
        }

        if (!File.Exists(settings.Products))
        {
            throw new HarnessException($"No catalogue at {settings.Products} (--products).");
        }

        var clock = Stopwatch.StartNew();
        var catalogue = await ReadCatalogueAsync();
        var work = settings.Work is { } given ? Directory.CreateDirectory(given).FullName : Directory.CreateTempSubdirectory("vi-crashtest-").FullName;
        var data = Path.Combine(work, "data");
        var random = new Random(settings.Seed);
        var killAt = Enumerable.Range(0, settings.Kills).Select(_ => 0.02 + ((settings.LastKill / 100.0 - 0.02) * random.NextDouble())).Order().ToList();
        await Console.Error.WriteLineAsync($"crashtest: {catalogue.Count} products, {settings.Kills} kills, seed {settings.Seed}, data {data}");

        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", _key);
        int kills = 0, starts = 0;
        var pushNumber = 0;
        var ids = catalogue.Keys.ToArray();
        while (true)
        {
            using var app = Start(data, port, work, ++starts);
            await WaitLiveAsync(http, app);
            var ready = false;
            while (!app.HasExited)
            {
                var status = await TryGetJsonAsync(http, "/api/app/status");
                if (status is null)
                {
                    await Task.Delay(200);
                    continue;
                }

                var phase = status["phase"]?.GetValue<string>();
                if (phase == "failed")
                {
                    throw new HarnessException($"The app's indexing failed: {status["message"]}");
                }

                if (random.Next(3) == 0)
                {
                    // Polled every 50-150 ms to catch the kill points; pushed at a third of that rate.
                    await PushAsync(http, random, ids, catalogue, ++pushNumber);
                }

                var processed = status["processed"]?.GetValue<long>() ?? 0;
                var total = status["total"]?.GetValue<long?>() ?? catalogue.Count;
                if (phase == "indexing" && kills < killAt.Count && processed >= killAt[kills] * total)
                {
                    app.Kill(entireProcessTree: true);
                    await app.WaitForExitAsync();
                    kills++;
                    await Console.Error.WriteLineAsync($"crashtest: kill {kills} at {processed} of {total} ({100.0 * processed / total:0.0} %), {_writes.Count} pushes accepted so far");
                    break;
                }

                if (phase == "ready")
                {
                    ready = true;
                    break;
                }

                await Task.Delay(50 + random.Next(100));
            }

            if (app.HasExited && !ready && kills == 0 && starts > 1)
            {
                throw new HarnessException($"The app exited by itself (code {app.ExitCode}); see {Path.Combine(work, $"app-{starts}.log")}.");
            }

            if (!ready)
            {
                continue;
            }

            // Ready: a few pushes more, then let every accepted job finish and check through the API.
            for (var i = 0; i < 10; i++)
            {
                await PushAsync(http, random, ids, catalogue, ++pushNumber);
            }

            await WaitJobsAsync(http);
            var (checkedIds, lost, failures) = await CheckPushesAsync(http);
            await StopAsync(app);
            var report = await CheckIndexAsync(data, catalogue, checkedIds, lost, failures, killAt.Count, kills, starts, clock.Elapsed, random);
            if (report.Failures.Count == 0 && settings.Work is null)
            {
                Directory.Delete(work, recursive: true);
            }

            return report;
        }
    }

    private async Task<Dictionary<string, Product>> ReadCatalogueAsync()
    {
        var mapping = FeedMapping.TryGetBuiltIn(settings.Mapping, out var builtIn) ? builtIn : await FeedMapping.LoadAsync(settings.Mapping);
        var products = new Dictionary<string, Product>(StringComparer.Ordinal);
        await using var feed = CatalogFeed.Open(settings.Products, mapping);
        await foreach (var item in feed.ReadAsync())
        {
            if (item is FeedProduct { IsDuplicate: false } product)
            {
                products[product.Product.Id] = product.Product;
            }
        }

        return products;
    }

    private Process Start(string data, int port, string work, int start)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(settings.App)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            settings.App, "--urls", $"http://127.0.0.1:{port}",
            $"--App:DataDirectory={data}",
            $"--Worker:RecurringReindex:FeedLocation={settings.Products}",
            $"--Worker:RecurringReindex:Mapping={settings.Mapping}",
            "--Api:RateLimit:PermitLimit=0",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Api__ApiKey"] = _key;
        var process = Process.Start(info) ?? throw new HarnessException("Could not start dotnet.");
        var log = new StreamWriter(Path.Combine(work, $"app-{start}.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (log) { log.Dispose(); } };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitLiveAsync(HttpClient http, Process app)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (app.HasExited)
            {
                throw new HarnessException($"The app exited at start (code {app.ExitCode}).");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new HarnessException("The app did not answer /health/live within 2 minutes.");
    }

    /// <summary>One push: an upsert of a changed feed product (60 %), of a new product (25 %) or a delete (15 %).</summary>
    private async Task PushAsync(HttpClient http, Random random, string[] ids, Dictionary<string, Product> catalogue, int number)
    {
        var roll = random.NextDouble();
        var id = roll < 0.85 && roll >= 0.60 ? $"crash-new-{random.Next(40)}" : ids[random.Next(Math.Min(ids.Length, 200))];
        HttpResponseMessage response;
        Product? product = null;
        try
        {
            if (roll < 0.85)
            {
                product = catalogue.TryGetValue(id, out var known)
                    ? known with { Title = $"{known.Title} (edition {number})" }
                    : new Product { Id = id, Title = $"Crash-test folding chair, edition {number}", Price = 10 + number };
                response = await http.PostAsJsonAsync(new Uri("/api/products", UriKind.Relative), new[] { product }, Json);
            }
            else
            {
                response = await http.DeleteAsync(new Uri($"/api/products/{Uri.EscapeDataString(id)}", UriKind.Relative));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _refused++;
            return;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonObject>(Json);
                _writes.Add(new Write(id, product, body!["jobId"]!.GetValue<string>()));
            }
            else
            {
                throw new HarnessException($"A push was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    private async Task WaitJobsAsync(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var write in _writes)
        {
            while (true)
            {
                var status = await TryGetJsonAsync(http, $"/api/jobs/{Uri.EscapeDataString(write.JobId)}");
                if (status?["finished"]?.GetValue<bool>() == true)
                {
                    break;
                }

                if (deadline.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new HarnessException($"Job {write.JobId} did not finish within 10 minutes of the reindex: {status}");
                }

                await Task.Delay(200);
            }
        }
    }

    /// <summary>Every pushed id ends as its last accepted write says; returns the ids checked, how many did not, and why.</summary>
    private async Task<(IReadOnlyDictionary<string, Product?> Expected, int Lost, List<string> Failures)> CheckPushesAsync(HttpClient http)
    {
        var expected = new Dictionary<string, Product?>(StringComparer.Ordinal);
        foreach (var write in _writes)
        {
            expected[write.ProductId] = write.Product;
        }

        var failures = new List<string>();
        var lost = 0;
        foreach (var (id, product) in expected)
        {
            using var response = await http.GetAsync(new Uri($"/api/products/{Uri.EscapeDataString(id)}", UriKind.Relative));
            var title = response.StatusCode == HttpStatusCode.OK
                ? (await response.Content.ReadFromJsonAsync<JsonObject>(Json))!["product"]!["title"]!.GetValue<string>()
                : null;
            if (title != product?.Title)
            {
                lost++;
                if (failures.Count < 10)
                {
                    failures.Add($"{id}: expected {(product is null ? "deleted" : $"'{product.Title}'")}, found {(title is null ? "none" : $"'{title}'")}");
                }
            }
        }

        return (expected, lost, failures);
    }

    private static async Task StopAsync(Process app)
    {
        using (var term = Process.Start("kill", ["-TERM", app.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.WaitForExitAsync(timeout.Token);
    }

    private async Task<Report> CheckIndexAsync(
        string data, Dictionary<string, Product> catalogue, IReadOnlyDictionary<string, Product?> pushed, int lost, List<string> failures,
        int planned, int kills, int starts, TimeSpan elapsed, Random random)
    {
        var final = new Dictionary<string, Product>(catalogue, StringComparer.Ordinal);
        foreach (var (id, product) in pushed)
        {
            if (product is null)
            {
                final.Remove(id);
            }
            else
            {
                final[id] = product;
            }
        }

        using var index = new EmbeddedProductIndex(new EmbeddedIndexOptions { DataDirectory = Path.Combine(data, "index") });
        var generations = await index.ListGenerationsAsync();
        if (generations.Count != 1 || !generations[0].IsLive)
        {
            failures.Add($"generations left: {string.Join(", ", generations.Select(g => g.Name + (g.IsLive ? " (live)" : "")))}");
        }

        var count = await index.CountAsync(null, null);
        if (count != final.Count)
        {
            failures.Add($"the live generation holds {count} products, {final.Count} expected");
        }

        // Vectors: a sample of untouched feed products and of pushed ones, against a clean embedding.
        var sample = final.Keys.Where(id => !pushed.ContainsKey(id)).OrderBy(_ => random.Next()).Take(settings.Sample)
            .Concat(pushed.Where(p => p.Value is not null).Select(p => p.Key).Take(10)).ToList();
        var composer = new ProductTextComposer();
        using var embedder = new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Cpu });
        var clean = await embedder.EmbedAsync([.. sample.Select(id => composer.Compose(final[id]))]);
        var minCosine = 1.0;
        for (var i = 0; i < sample.Count; i++)
        {
            var stored = await index.GetAsync(null, sample[i]);
            var cosine = stored is null ? 0 : TensorPrimitives.CosineSimilarity(stored.Vector, clean[i]);
            minCosine = Math.Min(minCosine, cosine);
        }

        if (minCosine < 0.9999)
        {
            failures.Add($"a stored vector differs from a clean embedding (min cosine {minCosine:0.000000})");
        }

        return new Report(planned, kills, starts, _writes.Count, _refused, pushed.Count, lost, count, final.Count, generations.Count, sample.Count, minCosine, elapsed.TotalSeconds, failures);
    }

    private static async Task<JsonObject?> TryGetJsonAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(Json) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
