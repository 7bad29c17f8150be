using VectorIndexer.App.StartupIndexing;
using VectorIndexer.Core;
using VectorIndexer.Embedding;
using VectorIndexer.TestSupport;

namespace VectorIndexer.App.Tests;

/// <summary>What decides whether a start re-embeds the catalogue.</summary>
public sealed class CatalogueFingerprintTests
{
    [Fact]
    public async Task Fingerprint_ChangesWithThePrecision_SoSwitchingItReembedsTheCatalogue()
    {
        using var data = new TempDirectory();
        var feed = Path.Combine(data.Path, "products.jsonl");
        await File.WriteAllTextAsync(feed, "{\"id\":\"1\",\"title\":\"Lamp\"}\n", TestContext.Current.CancellationToken);
        using var fp32 = new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
        using var int8 = new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Int8 });

        async Task<string> Fingerprint(OnnxEmbedder engine) => await CatalogueFingerprint.ComputeAsync(
            feed, "default", new OnnxProductEmbedder(engine).Model, 256, new ProductTextOptions(), TestContext.Current.CancellationToken);

        Assert.Equal(await Fingerprint(fp32), await Fingerprint(fp32));
        Assert.NotEqual(await Fingerprint(fp32), await Fingerprint(int8));
    }
}
