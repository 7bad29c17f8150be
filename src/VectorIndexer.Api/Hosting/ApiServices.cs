using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace VectorIndexer.Api.Hosting;

/// <summary>Registrations shared by <c>AddQueryApi</c> and <c>AddIndexingApi</c>; safe to call more than once.</summary>
internal static class ApiServices
{
    /// <summary>
    /// <see cref="ApiOptions"/> bound to <c>Api</c> and validated at start, and Kestrel's request body
    /// limit set to <c>Api:MaxRequestBodyBytes</c> (ignored by other servers).
    /// </summary>
    public static IServiceCollection AddApiOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<ApiOptions>) && d.ImplementationType == typeof(ApiOptionsValidator)))
        {
            return services;
        }

        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ApiOptions>>((kestrel, api) => kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes);
        return services;
    }

    /// <summary>CORS with the policy <see cref="ApiPipelineExtensions.CorsPolicyName"/> from <c>Api:Cors</c>.</summary>
    public static IServiceCollection AddPublicCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>()
            .Configure<IOptions<ApiOptions>>((cors, api) => cors.AddPolicy(ApiPipelineExtensions.CorsPolicyName, policy => PublicCors.Configure(policy, api.Value.Cors)));
        return services;
    }
}

/// <summary>
/// The CORS policy of the public endpoints: the origins of <c>Api:Cors:AllowedOrigins</c> (none by
/// default) may send GET and POST with a JSON body and read <c>Retry-After</c>. The API-key header is
/// not allowed, so browsers cannot call the write endpoints from another origin.
/// </summary>
internal static class PublicCors
{
    public static void Configure(CorsPolicyBuilder policy, ApiCorsOptions options)
    {
        if (options.AllowedOrigins.Contains("*", StringComparer.Ordinal))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins([.. options.AllowedOrigins.Select(o => o.TrimEnd('/'))]);
        }

        policy.WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders("Content-Type")
            .WithExposedHeaders("Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
    }
}
