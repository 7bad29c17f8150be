using System.Runtime.CompilerServices;

namespace VectorIndexer.Catalog;

/// <summary>
/// One catalogue feed, read as a stream of <see cref="FeedItem"/>s in constant memory (a record at a time, plus the
/// set of ids seen to mark duplicates). Bad records are returned as <see cref="FeedRejection"/>s, never thrown;
/// <see cref="Report"/> counts everything as it is read, and <see cref="Progress"/> says how far the file is read.
/// </summary>
/// <example>
/// <code>
/// await using var feed = CatalogFeed.Open(path, FeedMapping.BuiltIn("esci"));
/// await foreach (var item in feed.ReadAsync(cancellationToken))
/// {
///     if (item is FeedProduct { Product: var product }) { /* index it */ }
/// }
/// if (feed.Report.ExceedsRejectedShare(0.01)) { /* fail the job, keep the live index */ }
/// </code>
/// </example>
public sealed class CatalogFeed : IAsyncDisposable, IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly CompiledMapping _mapping;
    private readonly FeedReaderOptions _options;
    private long _bytesRead;
    private int _started;

    private CatalogFeed(Stream stream, bool ownsStream, string source, FeedFormat format, CompiledMapping mapping, FeedReaderOptions options, long? totalBytes)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _mapping = mapping;
        _options = options;
        Source = source;
        Format = format;
        TotalBytes = totalBytes;
        Report = new FeedReport(options.MaxReportedRejections);
    }

    /// <summary>The feed's path (or the name given for a stream).</summary>
    public string Source { get; }

    /// <summary>The format it is read as.</summary>
    public FeedFormat Format { get; }

    /// <summary>The mapping's name.</summary>
    public string MappingName => _mapping.Name;

    /// <summary>Counts of what has been read so far; complete once <see cref="ReadAsync"/> has finished.</summary>
    public FeedReport Report { get; }

    /// <summary>Bytes read up to the end of the last record returned. Safe to read from another thread.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>The file's length in bytes, or null for a stream that cannot tell.</summary>
    public long? TotalBytes { get; }

    /// <summary>Bytes read and total, for processed/total, rate and ETA.</summary>
    public FeedProgress Progress => new(BytesRead, TotalBytes);

    /// <summary>Opens the feed at <paramref name="path"/>; its format comes from the options or the extension.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="FeedFormatException">The format is not set and the extension names none.</exception>
    /// <exception cref="FeedMappingException">The mapping is invalid.</exception>
    public static CatalogFeed Open(string path, FeedMapping mapping, FeedReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(mapping);
        options ??= new FeedReaderOptions();
        options.Validate();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                Directory.Exists(path) ? $"Catalogue feed '{path}' is a folder, not a file." : $"Catalogue feed '{path}' does not exist.",
                path);
        }

        var format = options.Format ?? FeedFormats.Detect(path);
        var compiled = CompiledMapping.Compile(mapping);
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0,
        });
        return new CatalogFeed(stream, ownsStream: true, path, format, compiled, options, stream.Length);
    }

    /// <summary>Reads a feed from a stream (left open unless <paramref name="leaveOpen"/> is false).</summary>
    /// <exception cref="FeedMappingException">The mapping is invalid.</exception>
    public static CatalogFeed FromStream(Stream stream, FeedFormat format, FeedMapping mapping, FeedReaderOptions? options = null, string name = "(stream)", bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(mapping);
        options ??= new FeedReaderOptions();
        options.Validate();
        var compiled = CompiledMapping.Compile(mapping);
        long? total = stream.CanSeek ? stream.Length - stream.Position : null;
        return new CatalogFeed(stream, ownsStream: !leaveOpen, name, format, compiled, options, total);
    }

    /// <summary>
    /// Reads the feed, a record at a time. Can be enumerated once.
    /// </summary>
    /// <exception cref="FeedFormatException">The feed cannot be read at all (UTF-16, a malformed CSV header, a header without the id or title column).</exception>
    public async IAsyncEnumerable<FeedItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"Catalogue feed '{Source}' is already being read; open it again to read it again.");
        }

        var buffer = new FeedBuffer(_stream, Source);
        await buffer.SkipByteOrderMarkAsync(cancellationToken);
        var seen = _options.DetectDuplicates ? new HashSet<string>(StringComparer.Ordinal) : null;
        var next = Format switch
        {
            FeedFormat.JsonLines => JsonLines(buffer),
            FeedFormat.Csv => await CsvAsync(buffer, cancellationToken),
            _ => throw new FeedFormatException($"Catalogue feed '{Source}' has unknown format {Format}.", Source),
        };

        while (await next(cancellationToken) is { } item)
        {
            var counted = item is FeedProduct product && seen is not null && !seen.Add(product.Product.Id)
                ? product with { IsDuplicate = true }
                : item;
            Report.Add(counted);
            Interlocked.Exchange(ref _bytesRead, buffer.Consumed);
            yield return counted;
        }

        Interlocked.Exchange(ref _bytesRead, buffer.Consumed);
    }

    private Func<CancellationToken, ValueTask<FeedItem?>> JsonLines(FeedBuffer buffer) =>
        new JsonLinesReader(buffer, _mapping, _options).ReadAsync;

    private async ValueTask<Func<CancellationToken, ValueTask<FeedItem?>>> CsvAsync(FeedBuffer buffer, CancellationToken cancellationToken)
    {
        var rows = new CsvRowReader(buffer, _options);
        var headerRow = await rows.ReadAsync(cancellationToken);
        if (headerRow is null)
        {
            return static _ => ValueTask.FromResult<FeedItem?>(null);
        }

        if (headerRow.ErrorKind is not null)
        {
            throw new FeedFormatException($"The CSV header of catalogue feed '{Source}' is malformed: {headerRow.Error}", Source);
        }

        var header = new CsvHeader([.. headerRow.Fields.Select(name => name.Trim())], Source);
        foreach (var (field, source) in (ReadOnlySpan<(string, SourcePath)>)[("id", _mapping.IdSource), ("title", _mapping.TitleSource)])
        {
            if (header.IndexOf(source) < 0)
            {
                throw new FeedFormatException(
                    $"The CSV header of catalogue feed '{Source}' has no column '{source.Declared}', which mapping '{_mapping.Name}' reads the {field} from; columns: {string.Join(", ", header.Names)}.",
                    Source);
            }
        }

        return async token =>
        {
            if (await rows.ReadAsync(token) is not { } row)
            {
                return null;
            }

            if (row.ErrorKind is { } kind)
            {
                return new FeedRejection(row.LineNumber, kind, row.Error!);
            }

            if (row.Fields.Length != header.Names.Count)
            {
                return new FeedRejection(
                    row.LineNumber,
                    FeedRejectionKind.WrongColumnCount,
                    $"The row has {row.Fields.Length} fields; the header has {header.Names.Count}.");
            }

            return _mapping.Map(new CsvRecord(header, row.Fields), row.LineNumber, _options);
        };
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsStream ? _stream.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
