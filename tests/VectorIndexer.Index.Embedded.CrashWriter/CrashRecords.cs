using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Embedded.CrashWriter;

/// <summary>
/// The records the crash writer writes, derived from (batch, item) alone so that the parent can
/// check what it finds after the kill without talking to the child.
/// </summary>
public static class CrashRecords
{
    public const int Dimensions = 16;
    public const int BatchSize = 25;

    /// <summary>After every batch whose number is a multiple of this (but 0), the writer deletes item 0 of the previous batch.</summary>
    public const int DeleteEvery = 5;

    public static IndexModel Model { get; } = new("crash-writer", Dimensions);

    public static string Id(int batch, int item) => $"b{batch:D5}-{item:D2}";

    public static string Hash(int batch, int item) => $"h{batch}.{item}";

    public static IndexRecord Create(int batch, int item)
    {
        var random = new Random((batch * 1000) + item);
        var vector = new float[Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var product = new Product
        {
            Id = Id(batch, item),
            Title = $"Crash product {batch}/{item}",
            Brand = $"brand-{item % 3}",
            Price = batch + (item / 100m),
        };
        return new IndexRecord(product, vector, Hash(batch, item));
    }

    public static IReadOnlyList<IndexRecord> Batch(int batch) => [.. Enumerable.Range(0, BatchSize).Select(item => Create(batch, item))];
}
