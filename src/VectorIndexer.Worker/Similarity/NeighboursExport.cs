using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using VectorIndexer.Core.Similarity;

namespace VectorIndexer.Worker.Similarity;

/// <summary>What a neighbours export wrote.</summary>
/// <param name="Products">Products written, one line each.</param>
/// <param name="Neighbours">Neighbour entries written, over all products.</param>
/// <param name="DuplicateGroups">Near-duplicate groups written (0 without a duplicates file).</param>
/// <param name="Elapsed">Time from the first request to the files in place.</param>
public sealed record NeighboursExportSummary(long Products, long Neighbours, int DuplicateGroups, TimeSpan Elapsed);

/// <summary>Where an export stands, for progress lines.</summary>
/// <param name="Done">Products written so far.</param>
/// <param name="Total">Products in the generation (counted at the start).</param>
/// <param name="Elapsed">Time since the export started.</param>
public readonly record struct NeighboursExportProgress(long Done, long Total, TimeSpan Elapsed);

/// <summary>
/// Writes a generation's similarity graph as JSON Lines: one line per product
/// (<c>{"id", "title", "category", "neighbours": [{"id", "score"}]}</c>) and, when a duplicates
/// file is asked for, one line per group of near-duplicates
/// (<c>{"members", "size", "minLinkScore", "maxLinkScore"}</c>, largest group first). Each file is
/// written beside its final path and moved into place when complete, so a reader never sees half a
/// file and a failed or cancelled export leaves any earlier file as it was.
/// </summary>
public static class NeighboursExport
{
    /// <summary>Writes the export of <paramref name="generation"/> (null: the live one).</summary>
    /// <param name="source">The index whose neighbours are written.</param>
    /// <param name="generation">The generation, or null for the live one.</param>
    /// <param name="request">Neighbours per product, category restriction, minimum score.</param>
    /// <param name="neighboursPath">The neighbours file.</param>
    /// <param name="duplicates">The near-duplicates file and the cosine that makes two products near-duplicates; null for none.</param>
    /// <param name="total">Products in the generation, for progress; null when unknown.</param>
    /// <param name="progress">Told after every block of products.</param>
    /// <param name="cancellationToken">Stops the export; the files are then not written.</param>
    public static async Task<NeighboursExportSummary> WriteAsync(
        IProductNeighbours source,
        string? generation,
        NeighbourRequest request,
        string neighboursPath,
        (string Path, float Threshold)? duplicates,
        long? total,
        IProgress<NeighboursExportProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(neighboursPath);
        request.ThrowIfInvalid();
        if (duplicates is { } both && string.Equals(Path.GetFullPath(both.Path), Path.GetFullPath(neighboursPath), StringComparison.Ordinal))
        {
            throw new ArgumentException("The neighbours and the near-duplicates files must differ.", nameof(duplicates));
        }

        var finder = duplicates is { } d ? new NearDuplicateFinder(d.Threshold) : null;
        var stopwatch = Stopwatch.StartNew();
        long products = 0;
        long links = 0;
        var partial = PartialPath(neighboursPath);
        try
        {
            using (var lines = new LineWriter(partial))
            {
                await foreach (var item in source.NeighboursAsync(generation, request, cancellationToken).ConfigureAwait(false))
                {
                    lines.Write(item, WriteProduct);
                    finder?.Add(item);
                    products++;
                    links += item.Neighbours.Count;
                    if (products % 512 == 0)
                    {
                        progress?.Report(new NeighboursExportProgress(products, total ?? products, stopwatch.Elapsed));
                    }
                }

                lines.Complete();
            }

            var groups = finder?.Groups() ?? [];
            if (duplicates is { } target)
            {
                WriteGroups(groups, target.Path, cancellationToken);
            }

            File.Move(partial, neighboursPath, overwrite: true);
            progress?.Report(new NeighboursExportProgress(products, total ?? products, stopwatch.Elapsed));
            return new NeighboursExportSummary(products, links, groups.Count, stopwatch.Elapsed);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static void WriteGroups(IReadOnlyList<NearDuplicateGroup> groups, string path, CancellationToken cancellationToken)
    {
        var partial = PartialPath(path);
        try
        {
            using (var lines = new LineWriter(partial))
            {
                foreach (var group in groups)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    lines.Write(group, WriteGroup);
                }

                lines.Complete();
            }

            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static void WriteProduct(Utf8JsonWriter writer, ProductNeighbours item)
    {
        writer.WriteStartObject();
        writer.WriteString("id", item.Product.Id);
        writer.WriteString("title", item.Product.Title);
        writer.WriteStartArray("category");
        foreach (var level in item.Product.Category)
        {
            writer.WriteStringValue(level);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("neighbours");
        foreach (var neighbour in item.Neighbours)
        {
            writer.WriteStartObject();
            writer.WriteString("id", neighbour.ProductId);
            writer.WriteNumber("score", Math.Round(neighbour.Score, 6));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter writer, NearDuplicateGroup group)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("members");
        foreach (var member in group.Members)
        {
            writer.WriteStringValue(member);
        }

        writer.WriteEndArray();
        writer.WriteNumber("size", group.Members.Count);
        writer.WriteNumber("minLinkScore", Math.Round(group.MinLinkScore, 6));
        writer.WriteNumber("maxLinkScore", Math.Round(group.MaxLinkScore, 6));
        writer.WriteEndObject();
    }

    private static string PartialPath(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Unique per run: two runs at once never write, move or delete each other's file.
        return $"{full}.{Guid.NewGuid():N}.partial";
    }

    /// <summary>One JSON document per line into a file, through one reused buffer.</summary>
    private sealed class LineWriter : IDisposable
    {
        private readonly FileStream _file;
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private readonly Utf8JsonWriter _json;

        public LineWriter(string path)
        {
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            _json = new Utf8JsonWriter(_buffer);
        }

        public void Write<T>(T value, Action<Utf8JsonWriter, T> write)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            write(_json, value);
            _json.Flush();
            _file.Write(_buffer.WrittenSpan);
            _file.WriteByte((byte)'\n');
        }

        /// <summary>Flushes the file to disk before it is moved into place.</summary>
        public void Complete() => _file.Flush(flushToDisk: true);

        public void Dispose()
        {
            _json.Dispose();
            _file.Dispose();
        }
    }
}
