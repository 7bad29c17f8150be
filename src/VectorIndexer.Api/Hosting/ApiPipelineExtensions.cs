using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using VectorIndexer.Api.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The API's middleware, in one call, and the convention of its public endpoints.</summary>
public static class ApiPipelineExtensions
{
    /// <summary>The CORS policy applied to every request (see <c>Api:Cors</c>).</summary>
    public const string CorsPolicyName = "VectorIndexer.PublicApi";

    /// <summary>
    /// Adds, in order: the exception handler (ProblemDetails, never exception text), ProblemDetails for
    /// empty error responses, CORS (<c>Api:Cors</c>), the request body limit (413 ProblemDetails past
    /// <c>Api:MaxRequestBodyBytes</c>, chunked bodies included), the rate limiter (policies on the
    /// endpoints; see <see cref="RequirePublicRateLimit{TBuilder}"/>), and, when <c>AddIndexingApi()</c>
    /// registered it, authentication and authorization. Call it before mapping endpoints. Needs
    /// <c>builder.AddQueryApi()</c>.
    /// </summary>
    public static IApplicationBuilder UseApiMiddleware(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors(CorsPolicyName);
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseRateLimiter();
        if (app.ApplicationServices.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        return app;
    }

    /// <summary>
    /// Puts the endpoints under the public rate limit (<c>Api:RateLimit</c>: a fixed window per client
    /// IP, 429 ProblemDetails with <c>Retry-After</c> over it). For search, products and similar; not
    /// for health probes.
    /// </summary>
    public static TBuilder RequirePublicRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireRateLimiting(PublicRateLimiting.PolicyName)
            .ProducesProblemFor429();
    }

    private static TBuilder ProducesProblemFor429<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), ["application/problem+json"]));
}
