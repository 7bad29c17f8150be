using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using VectorIndexer.Catalog;

namespace VectorIndexer.Worker.Feeds;

/// <summary>
/// The worker's feed source over the catalogue reader (<see cref="CatalogFeed"/>): JSON Lines or
/// CSV by extension, the mapping named by a job (a built-in one, one configured under
/// <c>Catalog:Mappings:&lt;name&gt;</c>, or a mapping JSON file), rejections with line numbers.
/// </summary>
public sealed class CatalogFeedSource : ICatalogFeedSource
{
    /// <summary>Configuration section holding named feed mappings.</summary>
    public const string MappingsSection = "Catalog:Mappings";

    private readonly IReadOnlyDictionary<string, FeedMapping> _mappings;

    public CatalogFeedSource(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _mappings = FeedMapping.ReadAll(configuration.GetSection(MappingsSection));
    }

    public async IAsyncEnumerable<CatalogFeedItem> ReadAsync(string location, string? mapping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var resolved = await ResolveAsync(mapping, cancellationToken);
        await using var feed = CatalogFeed.Open(location, resolved);
        await foreach (var item in feed.ReadAsync(cancellationToken))
        {
            yield return item switch
            {
                FeedProduct product => CatalogFeedItem.Accepted(product.LineNumber, product.Product),
                FeedRejection rejection => CatalogFeedItem.Rejected(
                    rejection.LineNumber,
                    rejection.Field is null ? rejection.Reason : $"{rejection.Field}: {rejection.Reason}"),
                _ => throw new InvalidOperationException($"Unknown feed item {item.GetType().Name}."),
            };
        }
    }

    /// <summary>Records in the feed: lines of a JSON Lines file (blank ones excepted); unknown for CSV, whose records may span lines.</summary>
    public async Task<long?> CountAsync(string location, string? mapping, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var extension = Path.GetExtension(location);
        if (!extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        long count = 0;
        using var reader = new StreamReader(location);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The file's size and last write time (UTC ticks) and the mapping's name (a mapping file's own write time too); null when the feed is missing.</summary>
    public Task<string?> GetVersionAsync(string location, string? mapping, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var feed = new FileInfo(location);
        if (!feed.Exists)
        {
            return Task.FromResult<string?>(null);
        }

        var version = string.Create(CultureInfo.InvariantCulture, $"{feed.Length}:{feed.LastWriteTimeUtc.Ticks}:{mapping}");
        if (!string.IsNullOrWhiteSpace(mapping) && !_mappings.ContainsKey(mapping) && File.Exists(mapping))
        {
            version += string.Create(CultureInfo.InvariantCulture, $":{File.GetLastWriteTimeUtc(mapping).Ticks}");
        }

        return Task.FromResult<string?>(version);
    }

    private async Task<FeedMapping> ResolveAsync(string? mapping, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(mapping))
        {
            return FeedMapping.Default;
        }

        if (_mappings.TryGetValue(mapping, out var known))
        {
            return known;
        }

        if (mapping.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(mapping))
        {
            return await FeedMapping.LoadAsync(mapping, cancellationToken);
        }

        throw new FeedMappingException($"Unknown feed mapping '{mapping}': use one of {string.Join(", ", _mappings.Keys.Order(StringComparer.OrdinalIgnoreCase))}, or the path of a mapping JSON file.");
    }
}
