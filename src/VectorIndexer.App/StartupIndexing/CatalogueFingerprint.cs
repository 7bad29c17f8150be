using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VectorIndexer.Core;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.App.StartupIndexing;

/// <summary>
/// A SHA-256 over what decides the vectors of a catalogue: the feed file's bytes, the field
/// mapping (and the mapping file's bytes when it is one), the model, the maximum token length and
/// the product-text settings. Equal fingerprints mean a reindex would embed nothing.
/// </summary>
internal static class CatalogueFingerprint
{
    public static async Task<string> ComputeAsync(
        string feedLocation,
        string? mapping,
        IndexModel model,
        int maxLength,
        ProductTextOptions text,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await AppendFileAsync(hash, feedLocation, cancellationToken).ConfigureAwait(false);
        if (mapping is not null && mapping.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(mapping))
        {
            await AppendFileAsync(hash, mapping, cancellationToken).ConfigureAwait(false);
        }

        var settings = string.Join(
            '\n',
            "mapping=" + (mapping ?? "default"),
            "model=" + model.Name,
            "dimensions=" + model.Dimensions.ToString(CultureInfo.InvariantCulture),
            "maxLength=" + maxLength.ToString(CultureInfo.InvariantCulture),
            "fields=" + string.Join(',', text.EffectiveFields),
            "categorySeparator=" + text.CategorySeparator,
            "maxCharacters=" + text.MaxCharacters.ToString(CultureInfo.InvariantCulture));
        hash.AppendData(Encoding.UTF8.GetBytes(settings));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task AppendFileAsync(IncrementalHash hash, string path, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>
/// What the app indexed at its last start, kept in the data folder: the catalogue's fingerprint, the
/// reindex job started for it and the generation it went into (null until that job is done). A start
/// whose fingerprint and live generation match does nothing.
/// </summary>
internal sealed record StartupIndexRecord(string Fingerprint, string? Generation, long Products, DateTimeOffset IndexedAt, string? JobId = null)
{
    public const string FileName = "startup-index.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The record in <paramref name="path"/>, or null when there is none or it cannot be read (then the catalogue is indexed again).</summary>
    public static async Task<StartupIndexRecord?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<StartupIndexRecord>(stream, Json, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the record atomically (a temporary file, then a rename).</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        var stream = File.Create(temporary);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
