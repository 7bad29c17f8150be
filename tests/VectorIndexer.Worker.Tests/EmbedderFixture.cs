using VectorIndexer.Embedding;

[assembly: AssemblyFixture(typeof(VectorIndexer.Worker.Tests.EmbedderFixture))]

namespace VectorIndexer.Worker.Tests;

/// <summary>One engine on the default model and the CPU, shared by every test.</summary>
public sealed class EmbedderFixture : IDisposable
{
    public EmbedderFixture()
    {
        Embedder = new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Cpu });
    }

    public OnnxEmbedder Embedder { get; }

    public void Dispose() => Embedder.Dispose();
}
