
[assembly: AssemblyFixture(typeof(VectorIndexer.Embedding.Tests.EmbedderFixture))]

namespace VectorIndexer.Embedding.Tests;

/// <summary>One engine on all-MiniLM-L6-v2 in fp32 (what the golden vectors were made with) and the CPU, shared by every test.</summary>
public sealed class EmbedderFixture : IDisposable
{
    public EmbedderFixture()
    {
        Embedder = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cpu, Precision = EmbeddingPrecision.Fp32 });
    }

    public OnnxEmbedder Embedder { get; }

    public void Dispose() => Embedder.Dispose();
}
