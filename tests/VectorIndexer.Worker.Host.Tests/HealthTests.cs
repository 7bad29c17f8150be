using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Worker.Host.Tests;

/// <summary>The worker host's probes: /health/live while the process answers, /health/ready when the model, the index and the job storage do.</summary>
public sealed class HealthTests : IDisposable
{
    private const string Key = "a-dashboard-key-for-tests-0123456789";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-worker-health-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Live_AnswersWithoutCredentials_WhileTheDashboardStaysClosed()
    {
        await using var factory = Create();
        using var client = factory.CreateClient();

        using var live = await client.GetAsync(new Uri(WorkerHealthEndpointExtensions.LivePath, UriKind.Relative), Token);
        using var dashboard = await client.GetAsync(new Uri(DashboardEndpointExtensions.DashboardPath, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync(Token));
        Assert.True(dashboard.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"dashboard got {(int)dashboard.StatusCode}");
    }

    [Fact]
    public async Task Ready_WithTheModelTheIndexAndTheJobStorageAnswering_IsHealthy_BeforeAnyGenerationIsLive()
    {
        await using var factory = Create();
        using var client = factory.CreateClient();

        using var ready = await client.GetAsync(new Uri(WorkerHealthEndpointExtensions.ReadyPath, UriKind.Relative), Token);

        Assert.Null(await factory.Services.GetRequiredService<IProductIndex>().GetLiveGenerationAsync(Token));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Ready_WhenTheProductIndexIsUnreachable_Is503_AndSaysNoMore_WhileLiveStays200()
    {
        await using var factory = Create(services =>
            services.AddSingleton<IProductIndex>(DispatchProxy.Create<IProductIndex, UnreachableProductIndex>()));
        using var client = factory.CreateClient();

        using var ready = await client.GetAsync(new Uri(WorkerHealthEndpointExtensions.ReadyPath, UriKind.Relative), Token);
        using var live = await client.GetAsync(new Uri(WorkerHealthEndpointExtensions.LivePath, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync(Token);
        Assert.Equal("Unhealthy", body);
        Assert.DoesNotContain(UnreachableProductIndex.Reason, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenTheModelCannotBeLoaded_Is503_WhileLiveStays200()
    {
        await using var factory = Create(settings: new() { ["Embedding:ModelPath"] = Path.Combine(_data.FullName, "no-model-here") });
        using var client = factory.CreateClient();

        using var ready = await client.GetAsync(new Uri(WorkerHealthEndpointExtensions.ReadyPath, UriKind.Relative), Token);
        using var live = await client.GetAsync(new Uri(WorkerHealthEndpointExtensions.LivePath, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private WebApplicationFactory<Program> Create(Action<IServiceCollection>? services = null, Dictionary<string, string>? settings = null)
    {
        var folder = Path.Combine(_data.FullName, Guid.NewGuid().ToString("N"));
        return new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(Environments.Production);
            web.UseSetting("Index:Provider", "embedded");
            web.UseSetting("Index:Embedded:DataDirectory", Path.Combine(folder, "index"));
            web.UseSetting("Worker:DataDirectory", Path.Combine(folder, "worker"));
            web.UseSetting("Embedding:Device", "cpu");
            web.UseSetting("Worker:Dashboard:ApiKey", Key);
            foreach (var (key, value) in settings ?? [])
            {
                web.UseSetting(key, value);
            }

            if (services is not null)
            {
                web.ConfigureTestServices(services);
            }
        });
    }
}

/// <summary>An <see cref="IProductIndex"/> whose server cannot be reached: every call fails.</summary>
public class UnreachableProductIndex : DispatchProxy
{
    public const string Reason = "Connection refused (index.test:6334)";

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new HttpRequestException(Reason);
}
