using VectorIndexer.App;

namespace Microsoft.Extensions.Hosting;

/// <summary>Defaults that make the all-in-one app run on a fresh machine with no other service.</summary>
public static class AllInOneHostingExtensions
{
    /// <summary>The bundled sample catalogue, copied beside the app's binaries.</summary>
    public static string BundledCataloguePath { get; } = Path.Combine(AppContext.BaseDirectory, "SampleCatalogue", "products.jsonl");

    /// <summary>
    /// Puts every file the app writes under one data folder (<c>App:DataDirectory</c>, default
    /// <c>data</c> under the content root): the embedded index in <c>index/</c> and the job storage
    /// in <c>worker/</c>, unless <c>Index:Embedded:DataDirectory</c> or <c>Worker:DataDirectory</c>
    /// say otherwise. The catalogue feed (<c>Worker:RecurringReindex:FeedLocation</c>) defaults to
    /// the bundled sample catalogue; a relative feed path is resolved under the content root, so the
    /// jobs, which read it later and elsewhere, get an absolute one. Binds and validates
    /// <see cref="AppOptions"/>. Call it first: the registrations after it read these settings.
    /// </summary>
    public static IHostApplicationBuilder AddAllInOneDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var contentRoot = builder.Environment.ContentRootPath;
        var configured = configuration[$"{AppOptions.SectionName}:{nameof(AppOptions.DataDirectory)}"];
        var data = Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? AppOptions.DefaultDataDirectory : configured, contentRoot);
        var feed = configuration["Worker:RecurringReindex:FeedLocation"];

        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{AppOptions.SectionName}:{nameof(AppOptions.DataDirectory)}"] = data,
            ["Worker:RecurringReindex:FeedLocation"] = string.IsNullOrWhiteSpace(feed) ? BundledCataloguePath : Path.GetFullPath(feed, contentRoot),
        };
        if (string.IsNullOrWhiteSpace(configuration["Index:Embedded:DataDirectory"]))
        {
            defaults["Index:Embedded:DataDirectory"] = Path.Combine(data, "index");
        }

        if (string.IsNullOrWhiteSpace(configuration["Worker:DataDirectory"]))
        {
            defaults["Worker:DataDirectory"] = Path.Combine(data, "worker");
        }

        // Added last, so these win over the sources above; they only fill what is unset or make paths absolute.
        configuration.AddInMemoryCollection(defaults);

        builder.Services.AddOptions<AppOptions>()
            .BindConfiguration(AppOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Enum.IsDefined(o.IndexAtStart), "App:IndexAtStart must be WhenChanged, Always or Never.")
            .ValidateOnStart();
        return builder;
    }
}
