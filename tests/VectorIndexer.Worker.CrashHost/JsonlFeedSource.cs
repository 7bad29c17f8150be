using System.Runtime.CompilerServices;
using System.Text.Json;
using VectorIndexer.Core;
using VectorIndexer.Worker.Feeds;

namespace VectorIndexer.Worker.CrashHost;

/// <summary>A minimal JSONL feed (one product per line), slowed down per item so a test can kill the process mid-reindex.</summary>
internal sealed class JsonlFeedSource(TimeSpan delayPerItem) : ICatalogFeedSource
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async IAsyncEnumerable<CatalogFeedItem> ReadAsync(string location, string? mapping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(location);
        long line = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (delayPerItem > TimeSpan.Zero)
            {
                await Task.Delay(delayPerItem, cancellationToken);
            }

            Product? product;
            try
            {
                product = JsonSerializer.Deserialize<Product>(text, Json);
            }
            catch (JsonException ex)
            {
                product = null;
                text = ex.Message;
            }

            yield return product is null
                ? CatalogFeedItem.Rejected(line, $"not a product: {text}")
                : CatalogFeedItem.Accepted(line, product);
        }
    }

    public async Task<long?> CountAsync(string location, string? mapping, CancellationToken cancellationToken) =>
        (await File.ReadAllLinesAsync(location, cancellationToken)).Length;
}
