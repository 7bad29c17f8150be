using System.Text.Json;
using System.Text.Unicode;

namespace VectorIndexer.Catalog;

/// <summary>Reads a JSON Lines feed one line at a time: one record a line, blank lines skipped.</summary>
internal sealed class JsonLinesReader(FeedBuffer buffer, CompiledMapping mapping, FeedReaderOptions options)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    private readonly RecordBytes _line = new(options.MaxRecordBytes);
    private long _lineNumber;

    /// <summary>The next record, or null at the end of the feed.</summary>
    public async ValueTask<FeedItem?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await ReadLineAsync(cancellationToken))
        {
            _lineNumber++;
            if (Parse() is { } item)
            {
                return item;
            }
        }

        return null;
    }

    private async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        var any = false;
        while (true)
        {
            if (TakeLine(ref any))
            {
                return true;
            }

            if (!await buffer.FillAsync(cancellationToken))
            {
                return any;
            }
        }
    }

    /// <summary>Moves what is buffered into the line; true once its line break is reached.</summary>
    private bool TakeLine(ref bool any)
    {
        var available = buffer.Available;
        var end = available.IndexOf((byte)'\n');
        if (end >= 0)
        {
            _line.Append(available[..end]);
            buffer.Advance(end + 1);
            return true;
        }

        if (available.Length > 0)
        {
            any = true;
            _line.Append(available);
            buffer.Advance(available.Length);
        }

        return false;
    }

    private FeedItem? Parse()
    {
        if (_line.TooLarge)
        {
            return new FeedRejection(_lineNumber, FeedRejectionKind.RecordTooLarge, $"The line is longer than {options.MaxRecordBytes} bytes.");
        }

        _line.TrimEnd((byte)'\r');
        if (_line.Span.Trim(" \t"u8).IsEmpty)
        {
            return null;
        }

        // JsonDocument checks UTF-8 only when a string is read; check it up front so a bad line is a rejection, not a throw.
        if (!Utf8.IsValid(_line.Span))
        {
            return new FeedRejection(_lineNumber, FeedRejectionKind.InvalidEncoding, "The line is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(_line.Memory, DocumentOptions);
        }
        catch (JsonException exception)
        {
            return new FeedRejection(_lineNumber, FeedRejectionKind.InvalidJson, $"The line is not valid JSON: {Describe(exception)}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new FeedRejection(_lineNumber, FeedRejectionKind.InvalidJson, $"The line holds {SourceValue.FromJson(root).Describe()}, not a JSON object.");
            }

            return mapping.Map(new JsonRecord(root), _lineNumber, options);
        }
    }

    private static string Describe(JsonException exception) =>
        exception.BytePositionInLine is { } position
            ? $"{FirstSentence(exception.Message)} (at byte {position + 1})."
            : exception.Message;

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "LineNumber: 0 | BytePositionInLine: 9." which means nothing to a feed owner.
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
