using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VectorIndexer.App.StartupIndexing;

namespace VectorIndexer.App.Tests;

/// <summary>An all-in-one app over a data folder of the test's, on the CPU, with its console lines captured.</summary>
internal sealed class AppHost : IAsyncDisposable
{
    private readonly StringWriter _console = new();

    public AppHost(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("App:DataDirectory", dataDirectory);
            web.UseSetting("Embedding:Device", "cpu");
            web.UseSetting("Worker:QueuePollInterval", "00:00:00.200");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services =>
            {
                services.RemoveAll<StartupConsole>();
                services.AddSingleton(new StartupConsole(TextWriter.Synchronized(_console)));
            });
        });
    }

    public WebApplicationFactory<Program> Factory { get; }

    /// <summary>What the app wrote on its console so far.</summary>
    public string Console => _console.ToString();

    public HttpClient CreateClient() => Factory.CreateClient();

    /// <summary>Polls <c>GET /api/app/status</c> until the indexing at start has finished, within <paramref name="timeout"/>.</summary>
    public async Task<StartupIndexingStatus> WaitForStartupIndexingAsync(HttpClient client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var status = await client.GetFromJsonAsync<StartupIndexingStatus>("/api/app/status", limit.Token);
                if (status is { IsFinished: true })
                {
                    return status;
                }

                await Task.Delay(250, limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The indexing at start did not finish within {timeout}. Console so far:\n{Console}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _console.DisposeAsync();
    }
}
