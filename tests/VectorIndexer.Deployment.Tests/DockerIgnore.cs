using System.Text;
using System.Text.RegularExpressions;

namespace VectorIndexer.Deployment.Tests;

/// <summary>
/// A .dockerignore: patterns relative to the context root in Go's filepath.Match syntax plus
/// <c>**</c>, later lines winning, <c>!</c> re-including; a pattern that matches a folder leaves out
/// everything in it.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(bool Include, Regex Pattern, string Text)> _rules;

    private DockerIgnore(List<(bool Include, Regex Pattern, string Text)> rules) => _rules = rules;

    public static DockerIgnore Load(string path) => Parse(File.ReadAllLines(path));

    public static DockerIgnore Parse(IEnumerable<string> lines)
    {
        var rules = new List<(bool, Regex, string)>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var include = line.StartsWith('!');
            var pattern = (include ? line[1..] : line).Trim().Trim('/');
            rules.Add((include, new Regex("^" + ToRegex(pattern) + "$", RegexOptions.CultureInvariant), line));
        }

        return new DockerIgnore(rules);
    }

    /// <summary>Whether a path (relative to the context, '/'-separated) is left out of the build context.</summary>
    public bool Excludes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Trim('/').Split('/');
        var excluded = false;
        foreach (var (include, pattern, _) in _rules)
        {
            for (var length = 1; length <= parts.Length; length++)
            {
                if (pattern.IsMatch(string.Join('/', parts.Take(length))))
                {
                    excluded = !include;
                    break;
                }
            }
        }

        return excluded;
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern.AsSpan(i).StartsWith("**/"))
            {
                regex.Append("(?:.*/)?");
                i += 2;
            }
            else if (pattern.AsSpan(i).StartsWith("**"))
            {
                regex.Append(".*");
                i++;
            }
            else
            {
                regex.Append(pattern[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(pattern[i].ToString()),
                });
            }
        }

        return regex.ToString();
    }
}
