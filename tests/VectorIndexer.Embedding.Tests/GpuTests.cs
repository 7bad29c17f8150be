using System.Numerics.Tensors;

namespace VectorIndexer.Embedding.Tests;

/// <summary>Whether this machine can run the CUDA provider (probed once).</summary>
internal static class GpuProbe
{
    private static readonly Lazy<string?> Failure = new(() =>
    {
        try
        {
            using var embedder = new OnnxEmbedder(new EmbeddingOptions { Device = EmbeddingDevice.Cuda });
            return null;
        }
        catch (ModelLoadException ex)
        {
            return ex.Message;
        }
    });

    public static bool CudaAvailable => Failure.Value is null;

    public static string SkipReason => $"No usable CUDA device on this machine: {Failure.Value}";
}

public sealed class GpuTests(EmbedderFixture fixture)
{
    [Fact]
    public async Task Cuda_GivesTheSameVectorsAsTheCpu()
    {
        Assert.SkipUnless(GpuProbe.CudaAvailable, GpuProbe.SkipReason);
        using var gpu = new OnnxEmbedder(new EmbeddingOptions { Model = BundledModel.MiniLM.Key, Device = EmbeddingDevice.Cuda });
        string[] texts = ["Wireless earbuds with charging case", "Cast iron skillet 12 inch", "Café Crème coffee beans"];

        var onGpu = await gpu.EmbedAsync(texts, cancellationToken: TestContext.Current.CancellationToken);
        var onCpu = await fixture.Embedder.EmbedAsync(texts, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("CUDAExecutionProvider", gpu.ExecutionProvider);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(onGpu[i], onCpu[i]) > 0.999f);
        }
    }
}
