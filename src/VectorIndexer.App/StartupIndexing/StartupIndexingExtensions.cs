using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VectorIndexer.App;
using VectorIndexer.App.StartupIndexing;
using VectorIndexer.Core.Indexing;
using VectorIndexer.Worker;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the indexing of the catalogue at start and the console lines that go with it.</summary>
public static class StartupIndexingExtensions
{
    /// <summary>
    /// Adds the <see cref="StartupIndexingState"/> (read by <c>GET /api/app/status</c>), the
    /// <see cref="IndexingCounters"/> (a counting decorator over the worker's product embedder),
    /// the start-up banner and the service that indexes the catalogue feed at start. Needs
    /// <c>AddAllInOneDefaults()</c> and <c>AddIndexingWorker()</c> before it. Unless
    /// <c>App:IndexAtStart</c> is <c>Never</c>, a feed that is not an existing file stops the app at
    /// start with a message naming the setting.
    /// </summary>
    public static IHostApplicationBuilder AddStartupIndexing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var embedder = services.LastOrDefault(d => d.ServiceType == typeof(IProductEmbedder) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("AddStartupIndexing needs the indexing worker: call services.AddIndexingWorker() before it.");

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IndexingCounters>();
        services.TryAddSingleton<StartupIndexingState>();
        services.TryAddSingleton(new StartupConsole(Console.Out));

        // Count what the worker embeds: the same embedder, behind a counter.
        services.Remove(embedder);
        services.AddSingleton<IProductEmbedder>(sp => new CountingProductEmbedder(Create(embedder, sp), sp.GetRequiredService<IndexingCounters>()));

        services.AddSingleton<IValidateOptions<WorkerOptions>, FeedExistsValidator>();
        services.AddHostedService<StartupBanner>();
        services.AddHostedService<StartupIndexer>();
        return builder;
    }

    private static IProductEmbedder Create(ServiceDescriptor descriptor, IServiceProvider services) => descriptor switch
    {
        { ImplementationInstance: IProductEmbedder instance } => instance,
        { ImplementationFactory: { } factory } => (IProductEmbedder)factory(services),
        { ImplementationType: { } type } => (IProductEmbedder)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException($"Cannot wrap the {nameof(IProductEmbedder)} registration."),
    };

    /// <summary>The feed indexed at start must exist, or the app stops at start saying which setting to fix.</summary>
    private sealed class FeedExistsValidator(IOptions<AppOptions> app) : IValidateOptions<WorkerOptions>
    {
        public ValidateOptionsResult Validate(string? name, WorkerOptions options)
        {
            if (app.Value.IndexAtStart == StartupIndexingMode.Never)
            {
                return ValidateOptionsResult.Skip;
            }

            var feed = options.RecurringReindex.FeedLocation;
            return File.Exists(feed)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Worker:RecurringReindex:FeedLocation is '{feed}', which is not a file. Point it at a catalogue feed (JSON Lines or CSV), or set App:IndexAtStart to Never.");
        }
    }
}
