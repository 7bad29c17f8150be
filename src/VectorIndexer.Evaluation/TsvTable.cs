namespace VectorIndexer.Evaluation;

/// <summary>
/// A tab-separated file with a header line, read a row at a time. Columns are found by name
/// (ordinal, case-insensitive); a missing file or column fails with a message naming it.
/// </summary>
internal sealed class TsvTable
{
    private readonly string _path;
    private readonly string[] _header;

    private TsvTable(string path, string[] header, IReadOnlyList<(int LineNumber, string[] Fields)> rows)
    {
        _path = path;
        _header = header;
        Rows = rows;
    }

    /// <summary>Data rows (blank lines left out), with their 1-based line numbers in the file.</summary>
    public IReadOnlyList<(int LineNumber, string[] Fields)> Rows { get; }

    public static async Task<TsvTable> ReadAsync(string path, string what, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                Directory.Exists(path) ? $"The {what} file '{path}' is a folder, not a file." : $"The {what} file '{path}' does not exist.",
                path);
        }

        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        var headerIndex = Array.FindIndex(lines, line => !string.IsNullOrWhiteSpace(line));
        if (headerIndex < 0)
        {
            throw new InvalidDataException($"The {what} file '{path}' is empty; it needs a header line of tab-separated column names.");
        }

        var header = Split(lines[headerIndex]).Select(name => name.Trim()).ToArray();
        var rows = new List<(int, string[])>(lines.Length);
        for (var i = headerIndex + 1; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                rows.Add((i + 1, Split(lines[i])));
            }
        }

        return new TsvTable(path, header, rows);
    }

    /// <summary>The position of the column called <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">There is no such column; the message lists those found.</exception>
    public int Column(string name, string option)
    {
        var index = Array.FindIndex(_header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            throw new InvalidDataException(
                $"'{_path}' has no column '{name}' ({option}); its header has: {string.Join(", ", _header.Select(h => $"'{h}'"))}.");
        }

        return index;
    }

    /// <summary>The field at <paramref name="column"/>, trimmed.</summary>
    /// <exception cref="InvalidDataException">The row is too short or the field is empty.</exception>
    public string Field((int LineNumber, string[] Fields) row, int column)
    {
        if (column >= row.Fields.Length || string.IsNullOrWhiteSpace(row.Fields[column]))
        {
            throw new InvalidDataException($"{_path}:{row.LineNumber}: column '{_header[column]}' is empty or missing.");
        }

        return row.Fields[column].Trim();
    }

    public string Location(int lineNumber) => $"{_path}:{lineNumber}";

    private static string[] Split(string line) => line.TrimEnd('\r').Split('\t');
}
