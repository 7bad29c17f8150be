using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace VectorIndexer.Evaluation;

/// <summary>
/// Catalogue vectors kept on disk between evaluation runs, keyed by (model identity, max length, content hash of the
/// composed text): one file per model identity and max length, so changing either starts from an empty cache, and a
/// changed product text misses by its hash. The model identity (<c>EmbeddingModel.Identity</c>) covers the model file,
/// its pooling, casing and document prefix, so switching any of them never reuses another model's vectors. The file is
/// written whole to a temporary file and then renamed over the old
/// one, so a crash leaves the previous file. A file that cannot be read (wrong format, other model, truncated) is
/// ignored from the first bad byte on, with the reason in <see cref="LoadProblem"/>, and replaced on the next save.
/// Not thread-safe.
/// </summary>
public sealed class EmbeddingCache
{
    private const int Magic = 0x43454956; // "VIEC", little-endian
    private const int FormatVersion = 1;
    private const int HashBytes = 32;

    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);

    private EmbeddingCache(string filePath, string modelName, int maxLength, int dimensions)
    {
        FilePath = filePath;
        ModelName = modelName;
        MaxLength = maxLength;
        Dimensions = dimensions;
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    public string ModelName { get; }

    public int MaxLength { get; }

    public int Dimensions { get; }

    /// <summary>Vectors held.</summary>
    public int Count => _vectors.Count;

    /// <summary>Why (part of) the file on disk was ignored; null when it was read whole or did not exist.</summary>
    public string? LoadProblem { get; private set; }

    /// <summary>Whether vectors were added since the cache was loaded or saved.</summary>
    public bool IsDirty { get; private set; }

    /// <summary>
    /// The file name of the cache for a model identity and max length: readable (the identity up to its first
    /// <c>|</c>, the model's name) with a hash of the whole identity.
    /// </summary>
    public static string FileNameFor(string modelName, int maxLength)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        var invalid = Path.GetInvalidFileNameChars();
        var readable = new string(modelName.Split('|')[0].Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c).Take(64).ToArray());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(modelName)))[..16];
        return $"{readable}-{hash}-len{maxLength}.vec";
    }

    /// <summary>
    /// Opens (creating nothing yet) the cache of a model and max length in <paramref name="directory"/>, loading what
    /// the file holds. <paramref name="modelName"/> is the model's identity: pass <c>EmbeddingModel.Identity</c>.
    /// </summary>
    public static async Task<EmbeddingCache> OpenAsync(string directory, string modelName, int maxLength, int dimensions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        var cache = new EmbeddingCache(Path.Combine(directory, FileNameFor(modelName, maxLength)), modelName, maxLength, dimensions);
        if (File.Exists(cache.FilePath))
        {
            var bytes = await File.ReadAllBytesAsync(cache.FilePath, cancellationToken);
            cache.Load(bytes);
        }

        return cache;
    }

    /// <summary>The cached vector of a text with this content hash (<see cref="Core.ProductTextComposer.ContentHash"/>).</summary>
    public bool TryGet(string contentHash, [NotNullWhen(true)] out float[]? vector) => _vectors.TryGetValue(contentHash, out vector);

    /// <summary>Adds or replaces the vector of a content hash (64 hex digits).</summary>
    public void Set(string contentHash, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        ArgumentNullException.ThrowIfNull(vector);
        if (contentHash.Length != HashBytes * 2 || !contentHash.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"Content hash '{contentHash}' is not a SHA-256 in hex.", nameof(contentHash));
        }

        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"Vector has {vector.Length} dimensions; the cache holds vectors of {Dimensions}.", nameof(vector));
        }

        _vectors[contentHash.ToLowerInvariant()] = vector;
        IsDirty = true;
    }

    /// <summary>Writes every vector to the file (through a temporary file and a rename).</summary>
    public async Task SaveAsync(CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(FilePath)!;
        Directory.CreateDirectory(directory);
        var temporary = FilePath + $".{Environment.ProcessId}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                using var buffer = new MemoryStream(capacity: 64 + (_vectors.Count * (HashBytes + (Dimensions * sizeof(float)))));
                using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(ModelName);
                    writer.Write(MaxLength);
                    writer.Write(Dimensions);
                    writer.Write(_vectors.Count);
                    foreach (var (hash, vector) in _vectors)
                    {
                        writer.Write(Convert.FromHexString(hash));
                        foreach (var value in vector)
                        {
                            writer.Write(value);
                        }
                    }
                }

                buffer.Position = 0;
                await buffer.CopyToAsync(stream, cancellationToken);
            }

            File.Move(temporary, FilePath, overwrite: true);
            IsDirty = false;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private void Load(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        int count;
        try
        {
            if (reader.ReadInt32() != Magic || reader.ReadInt32() != FormatVersion)
            {
                LoadProblem = $"'{FilePath}' is not an embedding cache of format {FormatVersion}; it was ignored.";
                return;
            }

            var model = reader.ReadString();
            var maxLength = reader.ReadInt32();
            var dimensions = reader.ReadInt32();
            if (model != ModelName || maxLength != MaxLength || dimensions != Dimensions)
            {
                LoadProblem = $"'{FilePath}' holds vectors of {model} (max length {maxLength}, {dimensions} dimensions), not of {ModelName} (max length {MaxLength}, {Dimensions} dimensions); it was ignored.";
                return;
            }

            count = reader.ReadInt32();
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException)
        {
            LoadProblem = $"'{FilePath}' has a damaged header ({ex.Message}); it was ignored.";
            return;
        }

        var recordBytes = HashBytes + (Dimensions * sizeof(float));
        var available = (bytes.Length - reader.BaseStream.Position) / recordBytes;
        if (count < 0 || available < count)
        {
            LoadProblem = $"'{FilePath}' is truncated or damaged: it announces {count} vectors and holds {available}; the complete ones were kept.";
            count = (int)Math.Max(0, Math.Min(Math.Max(count, 0), available));
        }

        for (var i = 0; i < count; i++)
        {
            var hash = Convert.ToHexStringLower(reader.ReadBytes(HashBytes));
            var vector = new float[Dimensions];
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] = reader.ReadSingle();
            }

            if (vector.All(float.IsFinite))
            {
                _vectors[hash] = vector;
            }
            else
            {
                LoadProblem ??= $"'{FilePath}' holds vectors that are not finite; they were dropped.";
            }
        }
    }
}
