using VectorIndexer.Index.Embedded;
using VectorIndexer.Index.Embedded.CrashWriter;

// Usage: CrashWriter <data-directory> [max-batches]
// Prints "live <generation>", then "ack <batch>" after each upsert returns and "deleted <id>" after
// each delete returns. The parent kills it with SIGKILL at some point and checks the store.
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: CrashWriter <data-directory> [max-batches]");
    return 2;
}

var maxBatches = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
using var index = new EmbeddedProductIndex(new EmbeddedIndexOptions
{
    DataDirectory = args[0],
    Synchronous = EmbeddedSynchronousMode.Full,
});
var generation = await index.CreateGenerationAsync(CrashRecords.Model);
await index.ActivateGenerationAsync(generation.Name);
Console.WriteLine($"live {generation.Name}");
for (var batch = 0; batch < maxBatches; batch++)
{
    await index.UpsertAsync(null, CrashRecords.Batch(batch));
    Console.WriteLine($"ack {batch}");
    if (batch > 0 && batch % CrashRecords.DeleteEvery == 0)
    {
        var id = CrashRecords.Id(batch - 1, 0);
        await index.DeleteAsync(null, [id]);
        Console.WriteLine($"deleted {id}");
    }
}

return 0;
