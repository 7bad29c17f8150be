using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace VectorIndexer.Embedding;

/// <summary>Chooses and configures the ONNX Runtime execution provider.</summary>
internal static class ExecutionProviders
{
    public const string Cuda = "CUDAExecutionProvider";
    public const string Cpu = "CPUExecutionProvider";

    /// <summary>
    /// Adds CUDA to <paramref name="sessionOptions"/> when <paramref name="device"/> asks for it
    /// and it loads; returns the provider that will run the model.
    /// </summary>
    public static string Configure(SessionOptions sessionOptions, EmbeddingDevice device, int gpuDeviceId, ILogger logger)
    {
        if (device == EmbeddingDevice.Cpu)
        {
            return Cpu;
        }

        var reason = TryAddCuda(sessionOptions, gpuDeviceId);
        if (reason is null)
        {
            return Cuda;
        }

        if (device == EmbeddingDevice.Cuda)
        {
            throw new ModelLoadException(
                $"Embedding:Device is 'cuda' but the CUDA execution provider could not be loaded: {reason} " +
                "ONNX Runtime 1.31's CUDA provider needs an NVIDIA driver, CUDA 12 and cuDNN 9 on the library path. " +
                "Set Embedding:Device to 'auto' or 'cpu' to run on the CPU.");
        }

        Log.CudaUnavailable(logger, reason);
        return Cpu;
    }

    /// <summary>Null when CUDA was added, otherwise why not.</summary>
    private static string? TryAddCuda(SessionOptions sessionOptions, int gpuDeviceId)
    {
        string[] available;
        try
        {
            available = OrtEnv.Instance().GetAvailableProviders();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or OnnxRuntimeException)
        {
            return $"the ONNX Runtime native library could not be queried ({ex.GetType().Name}: {ex.Message}).";
        }

        if (!available.Contains(Cuda, StringComparer.Ordinal))
        {
            return $"this build's ONNX Runtime has no CUDA provider (it has {string.Join(", ", available)}); hosts that embed on a GPU reference Microsoft.ML.OnnxRuntime.Gpu and must not also reference Microsoft.ML.OnnxRuntime.";
        }

        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(gpuDeviceId);
            return null;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return $"{ex.GetType().Name}: {ex.Message.Trim()}";
        }
    }
}
