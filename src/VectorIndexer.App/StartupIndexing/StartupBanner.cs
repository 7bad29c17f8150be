using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using VectorIndexer.Worker;

namespace VectorIndexer.App.StartupIndexing;

/// <summary>Once the server listens, writes where to find the search page, the API and the dashboard, and where the data lives.</summary>
internal sealed class StartupBanner(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    IOptions<AppOptions> app,
    IOptions<WorkerOptions> worker,
    StartupConsole console) : IHostedService
{
    /// <summary>Where the Hangfire dashboard is mapped (<c>MapIndexingDashboard</c>).</summary>
    public const string DashboardPath = "/hangfire";

    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStarted.Register(() => console.WriteBlock(Lines()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }

    private IEnumerable<string> Lines()
    {
        var baseUrl = BaseUrl();
        var workerOptions = worker.Value;
        yield return $"VectorIndexer is running ({environment.EnvironmentName}).";
        yield return $"  Search page    {baseUrl}/";
        yield return $"  API            {baseUrl}/openapi/v1.json  (search: {baseUrl}/api/search?q=coffee+maker)";
        if (IsDashboardMapped())
        {
            yield return $"  Dashboard      {baseUrl}{DashboardPath}  ({DashboardAccess(workerOptions)})";
        }

        yield return $"  Health         {baseUrl}/health/ready";
        yield return $"  Data folder    {app.Value.DataDirectory}";
        yield return $"  Catalogue      {workerOptions.RecurringReindex.FeedLocation}";
    }

    private string BaseUrl()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses?.FirstOrDefault();
        if (address is null)
        {
            return "(in-process)";
        }

        // A wildcard binding is reached through localhost from this machine.
        return address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
    }

    private bool IsDashboardMapped() =>
        services.GetService<EndpointDataSource>()?.Endpoints
            .OfType<RouteEndpoint>()
            .Any(e => e.RoutePattern.RawText?.StartsWith(DashboardPath, StringComparison.OrdinalIgnoreCase) == true) == true;

    private string DashboardAccess(WorkerOptions options)
    {
        if (environment.IsDevelopment())
        {
            return "open to requests from this machine in Development";
        }

        return string.IsNullOrEmpty(options.Dashboard.ApiKey) && string.IsNullOrEmpty(options.Dashboard.Username)
            ? "closed: set Worker:Dashboard:ApiKey or Worker:Dashboard:Username/Password to open it"
            : "needs the key or the credentials of Worker:Dashboard";
    }
}
