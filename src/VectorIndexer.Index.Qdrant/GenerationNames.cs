using System.Globalization;
using System.Text.RegularExpressions;

namespace VectorIndexer.Index.Qdrant;

/// <summary>
/// Names of one index's collections: <c>&lt;prefix&gt;-&lt;yyyyMMddHHmmss&gt;-&lt;8 hex&gt;</c> (UTC creation
/// time, then a random id so that two made in the same second differ), and its live alias
/// <c>&lt;prefix&gt;-live</c>. Only names of this exact shape belong to the index: other collections
/// on the same server, including those of a longer prefix, are never listed, used or dropped.
/// </summary>
internal sealed class GenerationNames
{
    private const string TimestampFormat = "yyyyMMddHHmmss";
    private readonly Regex _pattern;

    public GenerationNames(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Prefix = prefix;
        LiveAlias = prefix + "-live";
        _pattern = new Regex(
            "^" + Regex.Escape(prefix) + "-(?<time>[0-9]{14})-(?<id>[0-9a-f]{8})$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
            TimeSpan.FromSeconds(1));
    }

    public string Prefix { get; }

    public string LiveAlias { get; }

    public string NewName(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{now.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}")[..(Prefix.Length + 24)];

    public bool IsGeneration(string? name) => name is not null && _pattern.IsMatch(name);

    /// <summary>The creation time a generation's name carries (second precision, UTC).</summary>
    public DateTimeOffset CreatedAt(string name)
    {
        var match = _pattern.Match(name);
        if (!match.Success)
        {
            throw new ArgumentException($"'{name}' is not a generation of the index '{Prefix}'.", nameof(name));
        }

        return DateTimeOffset.ParseExact(
            match.Groups["time"].Value,
            TimestampFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
