using System.Text.Json.Nodes;

namespace VectorIndexer.CrashTest.Tests;

/// <summary>
/// The kill -9 harness on the bundled sample catalogue: the all-in-one app is SIGKILLed twice during
/// its first full reindex while products are pushed, restarted each time, and must end with every
/// accepted push applied, the live generation whole and no other generation left. The sample's 386
/// products are taken five times over (1,930 distinct products): the int8 model embeds the sample
/// alone in under two seconds, short enough for a kill point to pass between two status polls. Both
/// kill points fall in the first 60 % of the reindex, so the last leaves room after it.
/// </summary>
public sealed class KillHarnessTests
{
    [Fact]
    public async Task AppKilledTwiceDuringTheFirstReindexWithPushesArriving_LosesNothing()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "VectorIndexer.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("The repository root was not found above the test's folder.");
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        var app = Path.Combine(root, "src", "VectorIndexer.App", "bin", configuration, "net10.0", "VectorIndexer.App.dll");
        var work = Directory.CreateTempSubdirectory("vi-crashtest-test-").FullName;
        var products = Path.Combine(work, "products.jsonl");
        await File.WriteAllLinesAsync(products, Copies(Path.Combine(root, "src", "VectorIndexer.App", "SampleCatalogue", "products.jsonl"), 5), TestContext.Current.CancellationToken);
        var settings = Settings.Parse(["--app", app, "--products", products, "--mapping", "default", "--kills", "2", "--last-kill", "60", "--seed", "7", "--sample", "20", "--work", work]);

        var report = await new Harness(settings).RunAsync();

        Assert.True(report.Failures.Count == 0, string.Join("; ", report.Failures) + $" (app logs in {work})");
        Assert.Equal(2, report.KillsDone);
        Assert.True(report.PushesAccepted > 0);
        Assert.Equal(0, report.Lost);
        Assert.Equal(report.ExpectedCount, report.LiveCount);
        Assert.Equal(1, report.Generations);
        Directory.Delete(work, recursive: true);
    }

    /// <summary>Each product of the feed <paramref name="count"/> times, the copies with their own id and title.</summary>
    private static IEnumerable<string> Copies(string feed, int count)
    {
        foreach (var line in File.ReadLines(feed))
        {
            yield return line;
            for (var copy = 2; copy <= count; copy++)
            {
                var product = JsonNode.Parse(line)!.AsObject();
                product["id"] = $"{product["id"]!.GetValue<string>()}-{copy}";
                product["title"] = $"{product["title"]!.GetValue<string>()} (version {copy})";
                yield return product.ToJsonString();
            }
        }
    }
}
