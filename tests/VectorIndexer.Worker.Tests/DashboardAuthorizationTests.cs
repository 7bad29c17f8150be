using System.Net;
using System.Text;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VectorIndexer.Worker.Dashboard;

namespace VectorIndexer.Worker.Tests;

public sealed class DashboardAuthorizationTests : IDisposable
{
    private const string Key = "0123456789abcdef-key";
    private readonly InMemoryStorage _storage = new();

    [Fact]
    public void Development_LocalRequest_IsAllowedWithoutCredentials()
    {
        var (allowed, _) = Authorize(Environments.Development, new WorkerDashboardOptions(), IPAddress.Loopback);

        Assert.True(allowed);
    }

    [Fact]
    public void Development_RemoteRequestWithoutCredentials_IsRefused()
    {
        var (allowed, _) = Authorize(Environments.Development, new WorkerDashboardOptions(), IPAddress.Parse("10.1.2.3"));

        Assert.False(allowed);
    }

    [Fact]
    public void Production_NothingConfigured_IsClosedEvenLocally()
    {
        var (allowed, _) = Authorize(Environments.Production, new WorkerDashboardOptions(), IPAddress.Loopback);

        Assert.False(allowed);
    }

    [Fact]
    public void Production_ConfiguredApiKey_AllowsOnlyTheRightKey()
    {
        var options = new WorkerDashboardOptions { ApiKey = Key };

        Assert.True(Authorize(Environments.Production, options, IPAddress.Parse("10.1.2.3"), r => r.Headers[WorkerDashboardAuthorizationFilter.ApiKeyHeader] = Key).Allowed);
        Assert.False(Authorize(Environments.Production, options, IPAddress.Parse("10.1.2.3"), r => r.Headers[WorkerDashboardAuthorizationFilter.ApiKeyHeader] = Key + "x").Allowed);
        Assert.False(Authorize(Environments.Production, options, IPAddress.Parse("10.1.2.3")).Allowed);
    }

    [Fact]
    public void Production_BasicCredentials_AllowsOnlyTheRightPairAndAsksForThem()
    {
        var options = new WorkerDashboardOptions { Username = "ops", Password = "correct horse battery" };

        Assert.True(Authorize(Environments.Production, options, IPAddress.Parse("10.1.2.3"), r => r.Headers.Authorization = Basic("ops", "correct horse battery")).Allowed);
        var (wrong, response) = Authorize(Environments.Production, options, IPAddress.Parse("10.1.2.3"), r => r.Headers.Authorization = Basic("ops", "wrong password!!"));
        Assert.False(wrong);
        Assert.StartsWith("Basic", response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.False(Authorize(Environments.Production, options, IPAddress.Parse("10.1.2.3"), r => r.Headers.Authorization = "Basic not-base64").Allowed);
    }

    [Fact]
    public void Production_AfterTooManyWrongKeys_RefusesEvenTheRightKey_AndMarksTheLockOut()
    {
        var options = new WorkerDashboardOptions { ApiKey = Key, FailedAttempts = { PermitLimit = 2, Window = TimeSpan.FromMinutes(1) } };
        var filter = new WorkerDashboardAuthorizationFilter(new FakeEnvironment(Environments.Production), Options.Create(new WorkerOptions { Dashboard = options }), NullLogger<WorkerDashboardAuthorizationFilter>.Instance, TimeProvider.System);
        using var services = new ServiceCollection().BuildServiceProvider();
        bool Authorize(string key, out HttpContext http)
        {
            http = new DefaultHttpContext { RequestServices = services };
            http.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
            http.Request.Headers[WorkerDashboardAuthorizationFilter.ApiKeyHeader] = key;
            return filter.Authorize(new AspNetCoreDashboardContext(_storage, new Hangfire.DashboardOptions(), http));
        }

        Assert.False(Authorize(Key + "x", out _));
        Assert.False(Authorize(Key + "y", out var second));
        Assert.False(Authorize(Key, out var locked));

        Assert.False(second.Items.ContainsKey(WorkerDashboardAuthorizationFilter.LockedOutItem));
        Assert.InRange(Assert.IsType<TimeSpan>(locked.Items[WorkerDashboardAuthorizationFilter.LockedOutItem]), TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
    }

    public void Dispose() => _storage.Dispose();

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private (bool Allowed, HttpResponse Response) Authorize(string environment, WorkerDashboardOptions dashboard, IPAddress remote, Action<HttpRequest>? request = null)
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Connection.RemoteIpAddress = remote;
        http.Connection.LocalIpAddress = IPAddress.Parse("10.9.9.9");
        request?.Invoke(http.Request);
        var filter = new WorkerDashboardAuthorizationFilter(new FakeEnvironment(environment), Options.Create(new WorkerOptions { Dashboard = dashboard }), NullLogger<WorkerDashboardAuthorizationFilter>.Instance, TimeProvider.System);
        var context = new AspNetCoreDashboardContext(_storage, new Hangfire.DashboardOptions(), http);
        return (filter.Authorize(context), http.Response);
    }
}
