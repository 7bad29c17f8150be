using Microsoft.Extensions.Options;

namespace VectorIndexer.App.Tests;

/// <summary>Bad settings stop the app at start, naming the setting.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-app-config-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task AFeedThatIsNotAFile_StopsTheAppAtStart_NamingTheSetting()
    {
        await using var app = new AppHost(_data.FullName, new Dictionary<string, string>
        {
            ["Worker:RecurringReindex:FeedLocation"] = Path.Combine(_data.FullName, "no-such-catalogue.jsonl"),
        });

        var ex = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Worker:RecurringReindex:FeedLocation", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownIndexAtStartMode_StopsTheAppAtStart_NamingTheSetting()
    {
        await using var app = new AppHost(_data.FullName, new Dictionary<string, string> { ["App:IndexAtStart"] = "Sometimes" });

        var ex = Assert.ThrowsAny<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("App:IndexAtStart", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithIndexAtStartNever_TheAppStarts_WithoutAFeed_AndSaysIndexingIsOff()
    {
        await using var app = new AppHost(_data.FullName, new Dictionary<string, string>
        {
            ["App:IndexAtStart"] = "Never",
            ["Worker:RecurringReindex:FeedLocation"] = Path.Combine(_data.FullName, "no-such-catalogue.jsonl"),
        });
        using var client = app.CreateClient();

        var status = await app.WaitForStartupIndexingAsync(client, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal("off", status.Phase);
        Assert.True(Directory.Exists(Path.Combine(_data.FullName, "worker")), "the job storage is not under App:DataDirectory");
    }
}
