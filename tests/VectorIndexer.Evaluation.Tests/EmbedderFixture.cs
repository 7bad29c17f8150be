using VectorIndexer.Embedding;

[assembly: AssemblyFixture(typeof(VectorIndexer.Evaluation.Tests.EmbedderFixture))]

namespace VectorIndexer.Evaluation.Tests;

/// <summary>One engine on the default model and the CPU, shared by every test.</summary>
public sealed class EmbedderFixture : IDisposable
{
    public OnnxEmbedder Embedder { get; } = new(new EmbeddingOptions { Device = EmbeddingDevice.Cpu });

    public void Dispose() => Embedder.Dispose();
}
