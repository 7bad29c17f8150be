using System.Text.Json;

namespace VectorIndexer.Catalog;

/// <summary>What a record holds at a source: nothing, null, text (a CSV field, a JSON string) or another JSON value.</summary>
internal readonly record struct SourceValue(SourceKind Kind, string? Text = null, JsonElement Element = default)
{
    public static SourceValue Missing => new(SourceKind.Missing);

    public static SourceValue Null => new(SourceKind.Null);

    public static SourceValue FromText(string text) => new(SourceKind.Text, text);

    public static SourceValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Null,
        JsonValueKind.String => FromText(element.GetString()!),
        _ => new(SourceKind.Json, Element: element),
    };

    /// <summary>Missing, null, or text that is empty or white space.</summary>
    public bool IsAbsent => Kind is SourceKind.Missing or SourceKind.Null || (Kind == SourceKind.Text && string.IsNullOrWhiteSpace(Text));

    /// <summary>How the value reads in a message: its type for JSON values, a bounded quote for text.</summary>
    public string Describe() => Kind switch
    {
        SourceKind.Text => Quote(Text!),
        SourceKind.Json => Element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {Element.GetRawText()}",
            _ => $"the number {Element.GetRawText()}",
        },
        _ => "nothing",
    };

    private static string Quote(string text) => text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}…'";
}

internal enum SourceKind
{
    Missing,
    Null,
    Text,
    Json,
}

/// <summary>One record of a feed, read through source paths.</summary>
internal interface IFeedRecord
{
    SourceValue Get(SourcePath path);

    /// <summary>Top-level fields whose names start with <paramref name="prefix"/>.</summary>
    IEnumerable<KeyValuePair<string, SourceValue>> WithPrefix(string prefix);
}

/// <summary>A source as a mapping declares it: a field name, or a JSON Pointer into nested values.</summary>
internal sealed class SourcePath
{
    private SourcePath(string declared, string[] segments)
    {
        Declared = declared;
        Segments = segments;
    }

    /// <summary>The source as written in the mapping; how rejections name the field.</summary>
    public string Declared { get; }

    public string[] Segments { get; }

    public static SourcePath Parse(string declared)
    {
        if (!declared.StartsWith('/'))
        {
            return new SourcePath(declared, [declared]);
        }

        var segments = declared[1..].Split('/').Select(segment => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
        return new SourcePath(declared, segments);
    }

    public override string ToString() => Declared;
}

internal sealed class JsonRecord(JsonElement root) : IFeedRecord
{
    public SourceValue Get(SourcePath path)
    {
        var current = root;
        foreach (var segment in path.Segments)
        {
            switch (current.ValueKind)
            {
                case JsonValueKind.Object when current.TryGetProperty(segment, out var child):
                    current = child;
                    break;
                case JsonValueKind.Array when int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                    && index < current.GetArrayLength():
                    current = current[index];
                    break;
                default:
                    return SourceValue.Missing;
            }
        }

        return SourceValue.FromJson(current);
    }

    public IEnumerable<KeyValuePair<string, SourceValue>> WithPrefix(string prefix)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return new(property.Name, SourceValue.FromJson(property.Value));
            }
        }
    }
}

internal sealed class CsvRecord(CsvHeader header, string[] fields) : IFeedRecord
{
    public SourceValue Get(SourcePath path)
    {
        var index = header.IndexOf(path);
        return index < 0 ? SourceValue.Missing : fields[index].Length == 0 ? SourceValue.Null : SourceValue.FromText(fields[index]);
    }

    public IEnumerable<KeyValuePair<string, SourceValue>> WithPrefix(string prefix)
    {
        for (var i = 0; i < header.Names.Count; i++)
        {
            if (header.Names[i].StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new(header.Names[i], fields[i].Length == 0 ? SourceValue.Null : SourceValue.FromText(fields[i]));
            }
        }
    }
}

/// <summary>A CSV header: column names, looked up case-insensitively.</summary>
internal sealed class CsvHeader
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    public CsvHeader(string[] names, string source)
    {
        Names = names;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length > 0 && !_index.TryAdd(names[i], i))
            {
                throw new FeedFormatException($"The CSV header of catalogue feed '{source}' names column '{names[i]}' twice.", source);
            }
        }
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The column of a source: its name, or for a one-segment pointer (<c>/title</c>) that segment.</summary>
    public int IndexOf(SourcePath path) =>
        _index.TryGetValue(path.Declared, out var index) ? index
        : path.Segments.Length == 1 && _index.TryGetValue(path.Segments[0], out index) ? index
        : -1;
}
