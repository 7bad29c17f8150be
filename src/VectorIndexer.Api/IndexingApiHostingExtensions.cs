using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using VectorIndexer.Api;
using VectorIndexer.Api.Hosting;
using VectorIndexer.Api.Security;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the API's write side: product pushes, reindexes and job status behind an API key.</summary>
public static class IndexingApiHostingExtensions
{
    /// <summary>
    /// Registers what <c>app.MapIndexingApi()</c> needs: the indexing worker's client
    /// (<c>services.AddIndexingClient()</c>: Hangfire's client on the <c>Worker</c> storage, the durable
    /// batch and job-status stores and the scheduler; no Hangfire server, so a host that also runs jobs
    /// adds <c>AddIndexingWorker()</c>), <see cref="ApiOptions"/> (section <c>Api</c>, validated at
    /// start), the API-key authentication scheme (<see cref="ApiKeyDefaults.Scheme"/>, header
    /// <c>X-Api-Key</c>, key <c>Api:ApiKey</c>; wrong keys limited per client by
    /// <c>Api:FailedKeyAttempts</c>) with the <see cref="ApiKeyDefaults.Policy"/> policy, and
    /// the key's security scheme in the OpenAPI document. No default authentication scheme is set, so a
    /// host's own schemes are left alone. With no key configured the endpoints are closed (403) and a
    /// warning says so at start. Needs an <c>IProductIndex</c> (<c>builder.AddProductIndex()</c>) and
    /// <c>builder.AddQueryApi()</c> (problem details, OpenAPI). Safe to call more than once.
    /// </summary>
    public static IHostApplicationBuilder AddIndexingApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(ApiKeyVerifier)))
        {
            return builder;
        }

        services.AddApiOptions();
        services.AddIndexingClient();
        services.AddProblemDetails();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<ApiKeyAttempts>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, displayName: "API key", configureOptions: null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyDefaults.Policy, policy => policy
                .AddAuthenticationSchemes(ApiKeyDefaults.Scheme)
                .RequireAuthenticatedUser());
        services.ConfigureAll<OpenApiOptions>(openApi => openApi.AddApiKeySecurity());
        services.AddHostedService<ApiKeyStartupCheck>();
        return builder;
    }
}

/// <summary>Warns at start when no API key is configured, so an operator knows why the indexing endpoints answer 403.</summary>
internal sealed partial class ApiKeyStartupCheck(IOptions<ApiOptions> options, ILogger<ApiKeyStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.HasApiKey)
        {
            LogNoApiKey(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Api:ApiKey is not set: the product push, delete, reindex and job endpoints are closed (403) until one is configured")]
    private static partial void LogNoApiKey(ILogger logger);
}
