using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace VectorIndexer.Embedding.Quantization;

/// <summary>
/// The int8 copies of the bundled models: made once, on the first start that asks for one, into
/// <c>models/&lt;name&gt;-int8</c> beside the fp32 model, or under the temporary folder when that
/// folder cannot be written (a read-only container image); checked at every start against the
/// SHA-256 pinned here and made again when it differs. Quantization is deterministic, so the same
/// fp32 file always gives these bytes.
/// </summary>
internal static class BundledInt8Models
{
    /// <summary>Where the copies go when the folder beside the bundled model cannot be written.</summary>
    public static string FallbackRoot => Path.Combine(Path.GetTempPath(), "vectorindexer-models");

    /// <summary>
    /// One check-or-make at a time in this process, so engines opened at once (the API's and the
    /// worker's in the all-in-one app, parallel tests) quantize once. Other processes may make the
    /// same copy at the same moment: every file is replaced whole (<see cref="AtomicFile"/>) and the
    /// bytes are the same, so whichever rename lands last changes nothing.
    /// </summary>
    private static readonly Lock Gate = new();

    /// <summary>SHA-256 of the int8 model.onnx of each bundled model, as <see cref="Int8Quantizer"/> writes it with no exclusions.</summary>
    public static IReadOnlyDictionary<string, string> PinnedSha256 { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [BundledModel.MiniLM.Name] = "e32799411179d7876ab22b9e02616a358333822e41202a19d5dcb6e2b3241b5f",
        [BundledModel.ArcticXs.Name] = "e1ea801048dca6b7efe90295f0c94d9b874912cdd1750d111073bf6a65acc01b",
    };

    /// <summary>The folder of the int8 copy of <paramref name="bundled"/>, made or re-made when needed.</summary>
    public static string Ensure(EmbeddingModel bundled, ILogger logger)
    {
        lock (Gate)
        {
            return EnsureAlone(bundled, logger);
        }
    }

    private static string EnsureAlone(EmbeddingModel bundled, ILogger logger)
    {
        if (!PinnedSha256.TryGetValue(bundled.Name, out var expected))
        {
            throw new ModelLoadException($"The bundled model {bundled.Name} has no pinned int8 checksum, so Embedding:Precision int8 cannot be used with it; set Embedding:Precision to fp32.");
        }

        var name = bundled.Name + QuantizedModelFolder.NameSuffix;
        var candidates = new[] { Path.GetDirectoryName(bundled.Directory.TrimEnd(Path.DirectorySeparatorChar))!, FallbackRoot }
            .Select(root => Path.Combine(root, name))
            .ToList();
        foreach (var folder in candidates)
        {
            if (IsIntact(folder, expected))
            {
                return folder;
            }
        }

        var failures = new List<string>();
        foreach (var folder in candidates)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var report = QuantizedModelFolder.Write(bundled, folder);
                if (!string.Equals(report.OutputSha256, expected, StringComparison.Ordinal))
                {
                    throw new ModelLoadException($"Quantizing the bundled model {bundled.Name} gave SHA-256 {report.OutputSha256}, not the pinned {expected}: the quantizer changed without its pin. Set Embedding:Precision to fp32.");
                }

                var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
                Log.Int8ModelCreated(logger, name, folder, seconds);
                return folder;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                failures.Add($"{folder}: {ex.Message}");
            }
        }

        throw new ModelLoadException($"The int8 copy of the bundled model {bundled.Name} could not be written ({string.Join("; ", failures)}). Make one of those folders writable, or set Embedding:Precision to fp32.");
    }

    private static bool IsIntact(string folder, string expected)
    {
        var model = Path.Combine(folder, "model.onnx");
        if (!File.Exists(model) || !File.Exists(Path.Combine(folder, "vocab.txt")) || !File.Exists(Path.Combine(folder, "model.json")))
        {
            return false;
        }

        try
        {
            using var stream = File.OpenRead(model);
            return string.Equals(Convert.ToHexStringLower(SHA256.HashData(stream)), expected, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
