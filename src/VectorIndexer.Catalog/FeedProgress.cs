namespace VectorIndexer.Catalog;

/// <summary>How far reading a feed has got, in bytes of the file.</summary>
/// <param name="BytesRead">Bytes consumed up to the end of the last record returned.</param>
/// <param name="TotalBytes">The file's length, or null where unknown (a stream that cannot seek).</param>
public readonly record struct FeedProgress(long BytesRead, long? TotalBytes)
{
    /// <summary>The share done, 0 to 1, or null where the total is unknown.</summary>
    public double? Fraction => TotalBytes switch
    {
        null => null,
        0 => 1.0,
        var total => Math.Clamp((double)BytesRead / total.Value, 0.0, 1.0),
    };

    /// <summary>Bytes a second over <paramref name="elapsed"/>; 0 before any time has passed.</summary>
    public double BytesPerSecond(TimeSpan elapsed) => elapsed > TimeSpan.Zero ? BytesRead / elapsed.TotalSeconds : 0.0;

    /// <summary>
    /// Time left at the rate so far, or null where it cannot be told (unknown total, nothing read yet).
    /// </summary>
    public TimeSpan? EstimateRemaining(TimeSpan elapsed)
    {
        var rate = BytesPerSecond(elapsed);
        if (TotalBytes is not { } total || rate <= 0)
        {
            return null;
        }

        return TimeSpan.FromSeconds(Math.Max(0, total - BytesRead) / rate);
    }
}
