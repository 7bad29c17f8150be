using System.Runtime.InteropServices;
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
                "The CUDA provider of Microsoft.ML.OnnxRuntime.Gpu 1.31 needs an NVIDIA driver and the CUDA 13 and cuDNN 9 libraries on the library path (see README, GPU). " +
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

        // ONNX Runtime's own message is only "Failed to load shared library"; the loader's reason
        // (which CUDA library is missing) is worth more, so it is asked for first.
        var loaderReason = CudaProviderLoadFailure();
        var environment = OrtEnv.Instance();
        var level = environment.EnvLogLevel;
        environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(gpuDeviceId);
            return null;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return loaderReason ?? $"{ex.GetType().Name}: {ex.Message.Trim().TrimEnd('.')}.";
        }
        finally
        {
            environment.EnvLogLevel = level;
        }
    }

    /// <summary>Why the CUDA provider library cannot be loaded (a missing CUDA or cuDNN library), or null.</summary>
    private static string? CudaProviderLoadFailure()
    {
        var name = OperatingSystem.IsWindows() ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
        var rid = OperatingSystem.IsWindows() ? "win-x64" : "linux-x64";
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, name),
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", name),
        };
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return null;
        }
        catch (DllNotFoundException ex)
        {
            // The loader's own reason (e.g. "libcublasLt.so.13: cannot open shared object file") is its last line.
            var reason = ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            var colon = reason.LastIndexOf("variable:", StringComparison.Ordinal);
            return $"the CUDA provider library cannot be loaded ({(colon >= 0 ? reason[(colon + 9)..].Trim() : reason).TrimEnd('.')}).";
        }
        catch (BadImageFormatException ex)
        {
            return $"the CUDA provider library is not for this platform: {ex.Message.Trim().TrimEnd('.')}.";
        }
    }
}
