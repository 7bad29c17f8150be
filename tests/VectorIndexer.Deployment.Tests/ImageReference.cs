using System.Text.RegularExpressions;

namespace VectorIndexer.Deployment.Tests;

/// <summary>An image reference <c>[registry/]repository[:tag][@sha256:digest]</c>.</summary>
internal sealed partial record ImageReference(string Repository, string? Tag, string? Digest)
{
    public static ImageReference Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var digest = at < 0 ? null : reference[(at + 1)..];
        var name = at < 0 ? reference : reference[..at];
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        return colon > slash
            ? new ImageReference(name[..colon], name[(colon + 1)..], digest)
            : new ImageReference(name, null, digest);
    }

    /// <summary>The version the tag starts with (<c>10.0.12</c> of <c>10.0.12-noble</c>, <c>1.20.0</c> of <c>v1.20.0</c>), or null.</summary>
    public Version? TagVersion => Tag is not null && VersionPrefix().Match(Tag) is { Success: true } match ? Version.Parse(match.Groups["version"].Value) : null;

    /// <summary>
    /// Why this reference is not pinned to one release, or null when it is: it needs a tag that is
    /// not <c>latest</c> and starts with a release number (<c>major.minor</c> at least; three parts
    /// for the .NET and CUDA images, whose two-part tags move with every patch), or a digest.
    /// </summary>
    public string? WhyNotPinned()
    {
        if (Digest is not null)
        {
            return Digest.StartsWith("sha256:", StringComparison.Ordinal) && Digest.Length == 71 ? null : $"'{Digest}' is not a sha256 digest";
        }

        if (Tag is null)
        {
            return "it has no tag (Docker reads that as 'latest')";
        }

        if (Tag.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return "'latest' moves";
        }

        var version = TagVersion;
        if (version is null)
        {
            return $"the tag '{Tag}' does not start with a release number";
        }

        var needsPatch = Repository.StartsWith("mcr.microsoft.com/dotnet/", StringComparison.Ordinal) || Repository.EndsWith("nvidia/cuda", StringComparison.Ordinal);
        return needsPatch && version.Build < 0 ? $"the tag '{Tag}' names a release line, not a release (use major.minor.patch)" : null;
    }

    public override string ToString() => Repository + (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    [GeneratedRegex(@"^v?(?<version>\d+\.\d+(\.\d+)?)")]
    private static partial Regex VersionPrefix();
}
