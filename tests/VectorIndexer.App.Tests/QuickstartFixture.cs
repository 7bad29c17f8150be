using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.App.StartupIndexing;

namespace VectorIndexer.App.Tests;

/// <summary>
/// The quickstart, three times over one data folder, as a person would run it: a first start that
/// indexes the bundled catalogue, a second start with nothing changed, and a third that is told to
/// reindex anyway (<c>App:IndexAtStart=Always</c>). The third app stays up for the tests that search.
/// </summary>
public sealed class QuickstartFixture : IAsyncLifetime
{
    private static readonly TimeSpan FirstIndexingTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(2);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-app-");
    private AppHost? _app;

    /// <summary>The running app (the third start).</summary>
    internal AppHost App => _app ?? throw new InvalidOperationException("The fixture has not started.");

    public HttpClient Client { get; private set; } = null!;

    public StartResult First { get; private set; } = null!;

    public StartResult Second { get; private set; } = null!;

    public StartResult Third { get; private set; } = null!;

    /// <summary>What <c>GET /api/search</c> answered while the first indexing ran.</summary>
    public HttpStatusCode SearchStatusBeforeReady { get; private set; }

    /// <summary>The phase <c>GET /api/app/status</c> reported while the first indexing ran.</summary>
    public string PhaseBeforeReady { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;

        First = await StartAsync(new Dictionary<string, string>(), FirstIndexingTimeout, keep: false, probeBeforeReady: true, token);
        Second = await StartAsync(new Dictionary<string, string>(), RestartTimeout, keep: false, probeBeforeReady: false, token);
        Third = await StartAsync(new Dictionary<string, string> { ["App:IndexAtStart"] = "Always" }, RestartTimeout, keep: true, probeBeforeReady: false, token);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }
    }

    private async Task<StartResult> StartAsync(Dictionary<string, string> settings, TimeSpan timeout, bool keep, bool probeBeforeReady, CancellationToken token)
    {
        var app = new AppHost(_data.FullName, settings);
        var client = app.CreateClient();
        try
        {
            var clock = Stopwatch.StartNew();
            if (probeBeforeReady)
            {
                using var search = await client.GetAsync(new Uri("/api/search?q=coffee+maker", UriKind.Relative), token);
                SearchStatusBeforeReady = search.StatusCode;
                PhaseBeforeReady = (await app.WaitForPhaseAsync(client, token)).Phase;
            }

            var status = await app.WaitForStartupIndexingAsync(client, timeout, token);
            var result = new StartResult(status, app.Factory.Services.GetRequiredService<IndexingCounters>().ProductsEmbedded, clock.Elapsed, app.Console);
            if (keep)
            {
                _app = app;
                Client = client;
            }
            else
            {
                client.Dispose();
                await app.DisposeAsync();
            }

            return result;
        }
        catch
        {
            client.Dispose();
            await app.DisposeAsync();
            throw;
        }
    }
}

/// <summary>What one start of the app did.</summary>
/// <param name="Status">The indexing at start, once finished.</param>
/// <param name="ProductsEmbedded">The worker's real count of products run through the model in that process.</param>
/// <param name="Elapsed">From the host's start to the end of the indexing at start.</param>
/// <param name="Console">The app's console lines.</param>
public sealed record StartResult(StartupIndexingStatus Status, long ProductsEmbedded, TimeSpan Elapsed, string Console);

[CollectionDefinition(Name)]
public sealed class QuickstartGroup : ICollectionFixture<QuickstartFixture>
{
    public const string Name = "quickstart";
}

internal static class AppHostExtensions
{
    /// <summary>The first status that is past <c>starting</c> (or finished), polled within a minute.</summary>
    public static async Task<StartupIndexingStatus> WaitForPhaseAsync(this AppHost app, HttpClient client, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(1));
        while (true)
        {
            var status = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<StartupIndexingStatus>(client, "/api/app/status", limit.Token);
            if (status is not null && status.Phase != StartupIndexingStatus.Starting)
            {
                return status;
            }

            await Task.Delay(100, limit.Token);
        }
    }
}
