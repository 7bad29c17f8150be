using VectorIndexer.Index.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the product index's health check.</summary>
public static class ProductIndexHealthCheckBuilderExtensions
{
    /// <summary>How long the check may take before it counts as failed, unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds <see cref="ProductIndexHealthCheck"/> as <c>product-index</c> with <paramref name="tags"/>
    /// (e.g. the readiness tag of the host's health endpoints), bounded by <see cref="DefaultTimeout"/>.
    /// Needs the product index (<c>AddProductIndex()</c>).
    /// </summary>
    public static IHealthChecksBuilder AddProductIndexCheck(this IHealthChecksBuilder builder, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<ProductIndexHealthCheck>(ProductIndexHealthCheck.DefaultName, failureStatus: null, tags, DefaultTimeout);
    }
}
