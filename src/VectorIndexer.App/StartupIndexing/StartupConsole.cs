namespace VectorIndexer.App.StartupIndexing;

/// <summary>
/// The app's own lines on the console: the addresses to open and the progress of the first
/// indexing, written plainly so a person starting the app sees them among the log lines.
/// </summary>
public sealed class StartupConsole
{
    private readonly TextWriter _writer;
    private readonly Lock _gate = new();

    public StartupConsole(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <summary>Writes one line.</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    /// <summary>Writes lines together, between two rules.</summary>
    public void WriteBlock(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var rule = new string('-', 78);
        lock (_gate)
        {
            _writer.WriteLine();
            _writer.WriteLine(rule);
            foreach (var line in lines)
            {
                _writer.WriteLine(line);
            }

            _writer.WriteLine(rule);
            _writer.Flush();
        }
    }
}
