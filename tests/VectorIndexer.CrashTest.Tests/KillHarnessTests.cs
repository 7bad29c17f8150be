namespace VectorIndexer.CrashTest.Tests;

/// <summary>
/// The kill -9 harness on the bundled sample catalogue: the all-in-one app is SIGKILLed twice during
/// its first full reindex while products are pushed, restarted each time, and must end with every
/// accepted push applied, the live generation whole and no other generation left.
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
        var settings = Settings.Parse(["--app", app, "--products", Path.Combine(root, "src", "VectorIndexer.App", "SampleCatalogue", "products.jsonl"), "--mapping", "default", "--kills", "2", "--seed", "7", "--sample", "20", "--work", work]);

        var report = await new Harness(settings).RunAsync();

        Assert.True(report.Failures.Count == 0, string.Join("; ", report.Failures) + $" (app logs in {work})");
        Assert.Equal(2, report.KillsDone);
        Assert.True(report.PushesAccepted > 0);
        Assert.Equal(0, report.Lost);
        Assert.Equal(report.ExpectedCount, report.LiveCount);
        Assert.Equal(1, report.Generations);
        Directory.Delete(work, recursive: true);
    }
}
