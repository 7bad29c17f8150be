namespace VectorIndexer.Embedding.Quantization;

/// <summary>
/// Replaces a file whole: the new content goes to a temporary file of a name no other writer uses,
/// beside the target, then is renamed over it. Readers see the old file or the new one, never part
/// of one, and writers at once (two processes making the same int8 copy) never share a temporary file.
/// </summary>
internal static class AtomicFile
{
    public static void Replace(string path, Action<string> writeTemporary)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeTemporary(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
