using System.Text.RegularExpressions;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Index.Qdrant.Tests;

/// <summary>
/// Reads service images from the repository's docker-compose.yml, the one place where the Qdrant
/// image tag is pinned, so that the test container cannot drift from the deployment. A line-based
/// reader of the file's plain block style (<c>services:</c> / two-space service / four-space keys)
/// is enough for that one value.
/// </summary>
internal static partial class ComposeFile
{
    public static string Path => TestData.InRepository("docker-compose.yml");

    /// <summary>The <c>image:</c> of a service, e.g. <c>qdrant/qdrant:v1.20.0</c>.</summary>
    public static string ServiceImage(string service) => ServiceImage(File.ReadAllLines(Path), service);

    public static string ServiceImage(IReadOnlyList<string> lines, string service)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var inServices = false;
        var inService = false;
        foreach (var raw in lines)
        {
            var line = StripComment(raw);
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var indent = line.Length - line.TrimStart(' ').Length;
            var text = line.Trim();
            if (indent == 0)
            {
                inServices = text == "services:";
                inService = false;
            }
            else if (inServices && indent == 2)
            {
                inService = text == service + ":";
            }
            else if (inService && indent == 4 && ImageLine().Match(text) is { Success: true } match)
            {
                return match.Groups["image"].Value.Trim('"', '\'');
            }
        }

        throw new InvalidOperationException($"docker-compose.yml has no image for the service '{service}'.");
    }

    /// <summary>The tag of an image reference (<c>repo:tag</c>), or null when it has none.</summary>
    public static string? Tag(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? image[(colon + 1)..] : null;
    }

    private static string StripComment(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        return line.TrimStart().StartsWith('#') ? string.Empty : hash >= 0 ? line[..hash] : line;
    }

    [GeneratedRegex("^image:\\s*(?<image>\\S+)$")]
    private static partial Regex ImageLine();
}
