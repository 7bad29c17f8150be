using System.Globalization;

namespace VectorIndexer.Catalog;

/// <summary>
/// Counts what a feed held: records read, valid, rejected (the first few in full, all by kind) and duplicates.
/// Not thread-safe: add items from the reading loop.
/// </summary>
public sealed class FeedReport
{
    /// <summary>How many rejections are kept in full by default.</summary>
    public const int DefaultMaxKeptRejections = 100;

    /// <summary>The rejected share above which a feed is refused by default (1%).</summary>
    public const double DefaultMaxRejectedShare = 0.01;

    private readonly List<FeedRejection> _rejections = [];
    private readonly Dictionary<FeedRejectionKind, long> _byKind = [];

    public FeedReport(int maxKeptRejections = DefaultMaxKeptRejections)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxKeptRejections);
        MaxKeptRejections = maxKeptRejections;
    }

    /// <summary>How many rejections <see cref="Rejections"/> keeps.</summary>
    public int MaxKeptRejections { get; }

    /// <summary>Records read (valid plus rejected; blank lines are not records).</summary>
    public long RecordsRead => Valid + Rejected;

    /// <summary>Valid records, duplicates included.</summary>
    public long Valid { get; private set; }

    /// <summary>Rejected records.</summary>
    public long Rejected { get; private set; }

    /// <summary>Valid records whose id an earlier valid record already had (each replaced the one before).</summary>
    public long Duplicates { get; private set; }

    /// <summary>Distinct products the feed yields once duplicates are dropped.</summary>
    public long DistinctProducts => Valid - Duplicates;

    /// <summary>The first <see cref="MaxKeptRejections"/> rejections, in feed order.</summary>
    public IReadOnlyList<FeedRejection> Rejections => _rejections;

    /// <summary>Every rejection counted by kind.</summary>
    public IReadOnlyDictionary<FeedRejectionKind, long> RejectionsByKind => _byKind;

    /// <summary>Rejected records as a share of records read (0 when none were read).</summary>
    public double RejectedShare => RecordsRead == 0 ? 0.0 : (double)Rejected / RecordsRead;

    /// <summary>Counts one item.</summary>
    public void Add(FeedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        switch (item)
        {
            case FeedProduct product:
                Valid++;
                if (product.IsDuplicate)
                {
                    Duplicates++;
                }

                break;
            case FeedRejection rejection:
                Rejected++;
                _byKind[rejection.Kind] = _byKind.GetValueOrDefault(rejection.Kind) + 1;
                if (_rejections.Count < MaxKeptRejections)
                {
                    _rejections.Add(rejection);
                }

                break;
            default:
                throw new ArgumentException($"Unknown feed item type {item.GetType().Name}.", nameof(item));
        }
    }

    /// <summary>
    /// Whether the rejected share is above <paramref name="maxRejectedShare"/> (0 to 1; 1% by default):
    /// a feed that does should fail its job and leave the live index untouched.
    /// </summary>
    public bool ExceedsRejectedShare(double maxRejectedShare = DefaultMaxRejectedShare)
    {
        if (double.IsNaN(maxRejectedShare) || maxRejectedShare is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRejectedShare), maxRejectedShare, "The share must be between 0 and 1.");
        }

        return RejectedShare > maxRejectedShare;
    }

    /// <summary>A one-line summary for logs and job results.</summary>
    public override string ToString()
    {
        var kinds = string.Join(
            ", ",
            _byKind.OrderByDescending(pair => pair.Value).Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {pair.Value}")));
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{RecordsRead} records: {Valid} valid ({Duplicates} duplicates), {Rejected} rejected ({RejectedShare:P2})");
        return kinds.Length > 0 ? $"{summary}: {kinds}" : summary;
    }
}
