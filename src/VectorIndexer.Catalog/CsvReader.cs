using System.Text;

namespace VectorIndexer.Catalog;

/// <summary>One CSV row: its fields, or why it is malformed.</summary>
internal sealed record CsvRow(long LineNumber, string[] Fields, FeedRejectionKind? ErrorKind = null, string? Error = null);

/// <summary>
/// Reads RFC 4180 rows from UTF-8 bytes: quoted fields with doubled quotes, delimiters and line breaks inside them,
/// CRLF or LF line ends. A row that breaks the rules is returned with its error and skipped to the next line break;
/// a row longer than the limit likewise, so memory stays bounded on any input.
/// </summary>
internal sealed class CsvRowReader(FeedBuffer buffer, FeedReaderOptions options)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte _delimiter = (byte)options.CsvDelimiter;
    private readonly RecordBytes _field = new(options.MaxRecordBytes);
    private readonly List<string> _fields = [];
    private State _state = State.FieldStart;
    private bool _fieldQuoted;
    private bool _rowStarted;
    private long _line = 1;
    private long _rowLine = 1;
    private long _quoteLine;
    private long _rowBytes;
    private FeedRejectionKind? _errorKind;
    private string? _error;

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        CarriageReturnAfterQuote,
        SkipToLineEnd,
    }

    /// <summary>The next row, or null at the end of the feed. Blank lines are skipped.</summary>
    public async ValueTask<CsvRow?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await ReadAnyAsync(cancellationToken);
            if (row is null || row.ErrorKind is not null || row.Fields is not [{ Length: 0 }] || _lastRowHadQuotes)
            {
                return row;
            }
        }
    }

    private bool _lastRowHadQuotes;
    private bool _rowHasQuotes;

    private async ValueTask<CsvRow?> ReadAnyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (Process(buffer.Available, out var consumed))
            {
                buffer.Advance(consumed);
                return CompleteRow();
            }

            buffer.Advance(consumed);
            if (!await buffer.FillAsync(cancellationToken))
            {
                return FinishAtEnd();
            }
        }
    }

    /// <summary>Runs the state machine over the bytes; true when a row ended (at a line break).</summary>
    private bool Process(ReadOnlySpan<byte> bytes, out int consumed)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            // Fast path: inside a field, copy everything up to the next byte that matters in one go.
            if (_state is State.Quoted or State.Unquoted)
            {
                var rest = bytes[i..];
                var run = _state == State.Quoted ? rest.IndexOf((byte)'"') : rest.IndexOfAny(_delimiter, (byte)'\n', (byte)'"');
                run = run < 0 ? rest.Length : run;
                if (run > 0 && _rowBytes + run <= options.MaxRecordBytes)
                {
                    var chunk = rest[..run];
                    _field.Append(chunk);
                    _rowBytes += run;
                    if (_state == State.Quoted)
                    {
                        _line += chunk.Count((byte)'\n');
                    }

                    i += run;
                    if (i == bytes.Length)
                    {
                        break;
                    }
                }
            }

            var b = bytes[i];
            if (!_rowStarted)
            {
                _rowStarted = true;
                _rowLine = _line;
            }

            if (++_rowBytes > options.MaxRecordBytes && _state != State.SkipToLineEnd)
            {
                Fail(
                    FeedRejectionKind.RecordTooLarge,
                    _state == State.Quoted
                        ? $"The row is longer than {options.MaxRecordBytes} bytes; the quoted field opened on line {_quoteLine} is probably never closed."
                        : $"The row is longer than {options.MaxRecordBytes} bytes.");
            }

            var rowEnded = false;
            switch (_state)
            {
                case State.FieldStart:
                    if (b == '"')
                    {
                        _fieldQuoted = true;
                        _rowHasQuotes = true;
                        _quoteLine = _line;
                        _state = State.Quoted;
                    }
                    else if (b == _delimiter)
                    {
                        EndField();
                    }
                    else if (b == '\n')
                    {
                        EndField();
                        rowEnded = true;
                    }
                    else
                    {
                        _field.Append(b);
                        _state = State.Unquoted;
                    }

                    break;

                case State.Unquoted:
                    if (b == _delimiter)
                    {
                        EndField();
                        _state = State.FieldStart;
                    }
                    else if (b == '\n')
                    {
                        _field.TrimEnd((byte)'\r');
                        EndField();
                        rowEnded = true;
                    }
                    else if (b == '"')
                    {
                        Fail(FeedRejectionKind.MalformedCsv, $"Field {_fields.Count + 1} has a quote inside an unquoted value; quote the whole field and double the quote (\"\").");
                    }
                    else
                    {
                        _field.Append(b);
                    }

                    break;

                case State.Quoted:
                    if (b == '"')
                    {
                        _state = State.QuoteInQuoted;
                    }
                    else
                    {
                        _field.Append(b);
                    }

                    break;

                case State.QuoteInQuoted:
                    if (b == '"')
                    {
                        _field.Append(b);
                        _state = State.Quoted;
                    }
                    else if (b == _delimiter)
                    {
                        EndField();
                        _state = State.FieldStart;
                    }
                    else if (b == '\n')
                    {
                        EndField();
                        rowEnded = true;
                    }
                    else if (b == '\r')
                    {
                        _state = State.CarriageReturnAfterQuote;
                    }
                    else
                    {
                        Fail(FeedRejectionKind.MalformedCsv, $"Field {_fields.Count + 1} has text after its closing quote.");
                    }

                    break;

                case State.CarriageReturnAfterQuote:
                    if (b == '\n')
                    {
                        EndField();
                        rowEnded = true;
                    }
                    else
                    {
                        Fail(FeedRejectionKind.MalformedCsv, $"Field {_fields.Count + 1} has text after its closing quote.");
                    }

                    break;

                case State.SkipToLineEnd:
                    rowEnded = b == '\n';
                    break;
            }

            if (b == '\n')
            {
                _line++;
            }

            if (rowEnded)
            {
                consumed = i + 1;
                return true;
            }
        }

        consumed = bytes.Length;
        return false;
    }

    private CsvRow? FinishAtEnd()
    {
        if (!_rowStarted)
        {
            return null;
        }

        switch (_state)
        {
            case State.Quoted:
                Fail(FeedRejectionKind.UnterminatedQuote, $"The quoted field opened on line {_quoteLine} is never closed.");
                break;
            case State.Unquoted:
                _field.TrimEnd((byte)'\r');
                EndField();
                break;
            case State.FieldStart or State.QuoteInQuoted or State.CarriageReturnAfterQuote:
                EndField();
                break;
        }

        return CompleteRow();
    }

    private void EndField()
    {
        if (_state == State.SkipToLineEnd)
        {
            return;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(_field.Span);
        }
        catch (DecoderFallbackException)
        {
            _errorKind ??= FeedRejectionKind.InvalidEncoding;
            _error ??= $"Field {_fields.Count + 1} is not valid UTF-8.";
            text = string.Empty;
        }

        if (_fieldQuoted && text.Contains('\r', StringComparison.Ordinal))
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        }

        _fields.Add(text);
        _field.Clear();
        _fieldQuoted = false;
    }

    private void Fail(FeedRejectionKind kind, string error)
    {
        _errorKind ??= kind;
        _error ??= error;
        _state = State.SkipToLineEnd;
        _field.Clear();
    }

    private CsvRow CompleteRow()
    {
        var row = _errorKind is { } kind
            ? new CsvRow(_rowLine, [], kind, _error)
            : new CsvRow(_rowLine, [.. _fields]);
        _lastRowHadQuotes = _rowHasQuotes;
        _rowHasQuotes = false;
        _fields.Clear();
        _field.Clear();
        _fieldQuoted = false;
        _rowStarted = false;
        _rowBytes = 0;
        _errorKind = null;
        _error = null;
        _state = State.FieldStart;
        return row;
    }
}
