namespace VectorIndexer.Catalog;

/// <summary>A fixed read buffer over a stream that counts the bytes its readers consume.</summary>
internal sealed class FeedBuffer(Stream stream, string source, int size = 64 * 1024)
{
    private readonly byte[] _buffer = new byte[size];
    private int _start;
    private int _end;
    private bool _endOfStream;

    /// <summary>Bytes consumed so far, the byte-order mark included.</summary>
    public long Consumed { get; private set; }

    public ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    public void Advance(int count)
    {
        _start += count;
        Consumed += count;
    }

    /// <summary>Reads more after what is still available; false at the end of the stream.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_endOfStream)
        {
            return false;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            return true;
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            _endOfStream = true;
            return false;
        }

        _end += read;
        return true;
    }

    /// <summary>Skips a UTF-8 byte-order mark; refuses UTF-16 and UTF-32, which feeds must not use.</summary>
    public async ValueTask SkipByteOrderMarkAsync(CancellationToken cancellationToken)
    {
        while (_end - _start < 4 && await FillAsync(cancellationToken))
        {
        }

        var head = Available;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            Advance(3);
        }
        else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw new FeedFormatException($"Catalogue feed '{source}' is encoded in UTF-16 or UTF-32; feeds must be UTF-8.", source);
        }
    }
}

/// <summary>A growable byte buffer for one record, bounded: past the limit it only counts.</summary>
internal sealed class RecordBytes(int limit)
{
    private byte[] _bytes = new byte[4096];

    public int Length { get; private set; }

    public bool TooLarge { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _bytes.AsMemory(0, Length);

    public void Clear()
    {
        Length = 0;
        TooLarge = false;
        if (_bytes.Length > 1024 * 1024)
        {
            // Give back the room one huge record needed.
            _bytes = new byte[4096];
        }
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (TooLarge)
        {
            return;
        }

        if (Length + bytes.Length > limit)
        {
            TooLarge = true;
            return;
        }

        if (Length + bytes.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Min(limit, Math.Max(_bytes.Length * 2, Length + bytes.Length)));
        }

        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }

    public void Append(byte value)
    {
        Span<byte> one = [value];
        Append(one);
    }

    public void TrimEnd(byte value)
    {
        if (Length > 0 && _bytes[Length - 1] == value)
        {
            Length--;
        }
    }
}
