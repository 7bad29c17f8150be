using System.Text.Json;

namespace VectorIndexer.TestSupport;

/// <summary>
/// Locates the evaluation data that lives beside the repository (<c>../shared</c>), never inside it.
/// Tests that need it skip, with the reason, where it is absent (a fresh clone elsewhere).
/// </summary>
public static class TestData
{
    /// <summary>Overrides the location of the ESCI-SRW folder.</summary>
    public const string EsciDirectoryVariable = "VECTORINDEXER_ESCI_DIR";

    private static readonly Lazy<string?> Root = new(FindRepositoryRoot);

    /// <summary>The repository root (the folder holding VectorIndexer.sln), or null.</summary>
    public static string? RepositoryRoot => Root.Value;

    /// <summary>The ESCI-SRW folder, or null when it is not on this machine.</summary>
    public static string? EsciDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(EsciDirectoryVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Directory.Exists(configured) ? configured : null;
            }

            if (RepositoryRoot is null)
            {
                return null;
            }

            var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "esci-srw"));
            return File.Exists(Path.Combine(candidate, "products.jsonl")) ? candidate : null;
        }
    }

    /// <summary>Why tests that need ESCI-SRW are skipped here.</summary>
    public static string EsciMissingReason =>
        $"ESCI-SRW data not found: it lives beside the repository in ../shared/data/esci-srw (or set {EsciDirectoryVariable}); it is never copied into the repository.";

    /// <summary>The ESCI-SRW products file, or null when absent.</summary>
    public static string? EsciProductsPath => EsciDirectory is { } dir ? Path.Combine(dir, "products.jsonl") : null;

    /// <summary>
    /// Reads the first <paramref name="count"/> ESCI-SRW products as raw JSON documents, in file order.
    /// </summary>
    public static IEnumerable<JsonElement> ReadEsciProducts(int count)
    {
        var path = EsciProductsPath ?? throw new InvalidOperationException(EsciMissingReason);
        var read = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (read++ >= count)
            {
                yield break;
            }

            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
    }

    /// <summary>Path of a file under the repository root.</summary>
    public static string InRepository(params string[] parts)
    {
        var root = RepositoryRoot ?? throw new InvalidOperationException("The repository root (VectorIndexer.sln) was not found above the test binaries.");
        return Path.Combine([root, .. parts]);
    }

    private static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VectorIndexer.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
