using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Hangfire.Storage;

namespace VectorIndexer.Worker.Host.Tests;

/// <summary>The worker host end to end: its dashboard is closed unless configured, and a reindex can be triggered.</summary>
public sealed class DashboardTests : IDisposable
{
    private const string Key = "a-dashboard-key-for-tests-0123456789";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-worker-host-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Dashboard_InProduction_WithNothingConfigured_IsClosed()
    {
        await using var factory = Create("Production", dashboardKey: null);
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/hangfire", UriKind.Relative), Token);

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Dashboard_InProduction_WithTheWrongKey_IsClosed_AndWithTheKey_Opens()
    {
        await using var factory = Create("Production", Key);
        using var client = factory.CreateClient();

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        wrong.Headers.Add("X-Api-Key", "not-the-key-not-the-key");
        using var denied = await client.SendAsync(wrong, Token);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        right.Headers.Add("X-Api-Key", Key);
        using var allowed = await client.SendAsync(right, Token);

        Assert.True(denied.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"got {(int)denied.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("VectorIndexer jobs", await allowed.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_RecurringReindex_IsRegisteredForTriggerNow_WhenAFeedIsConfigured()
    {
        await using var factory = Create("Production", Key, feed: "/feeds/catalogue.jsonl");
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire/recurring");
        request.Headers.Add("X-Api-Key", Key);

        using var page = await client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(IndexingJobScheduler.RecurringReindexId, await page.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        var storage = factory.Services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();
        Assert.Contains(connection.GetRecurringJobs(), j => j.Id == IndexingJobScheduler.RecurringReindexId);
    }

    [Fact]
    public void AnUnknownIndexProvider_StopsTheHostNamingTheSetting()
    {
        using var factory = Create("Production", Key, provider: "elastic");

        var ex = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains("Index:Provider", ex.Message, StringComparison.Ordinal);
    }

    private WebApplicationFactory<Program> Create(string environment, string? dashboardKey, string? feed = null, string provider = "embedded")
    {
        var folder = Path.Combine(_data.FullName, Guid.NewGuid().ToString("N"));
        return new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            web.UseSetting("Index:Provider", provider);
            web.UseSetting("Index:Embedded:DataDirectory", Path.Combine(folder, "index"));
            web.UseSetting("Worker:DataDirectory", Path.Combine(folder, "worker"));
            web.UseSetting("Embedding:Device", "cpu");
            if (dashboardKey is not null)
            {
                web.UseSetting("Worker:Dashboard:ApiKey", dashboardKey);
            }

            if (feed is not null)
            {
                web.UseSetting("Worker:RecurringReindex:FeedLocation", feed);
            }
        });
    }
}
