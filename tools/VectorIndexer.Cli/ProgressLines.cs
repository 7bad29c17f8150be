using System.Diagnostics;
using VectorIndexer.Evaluation;

namespace VectorIndexer.Cli;

/// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>A progress line on stderr, redrawn in place when stderr is a terminal, a line per 10 % otherwise.</summary>
internal abstract class TerminalLine(TextWriter writer)
{
    private readonly bool _inPlace = !Console.IsErrorRedirected;
    private int _lastDecile = -1;

    public void Finish()
    {
        if (_inPlace)
        {
            writer.WriteLine();
        }
    }

    protected void Draw(double fraction, string line)
    {
        if (_inPlace)
        {
            writer.Write($"\r{line}");
        }
        else if ((int)(fraction * 10) is var decile && decile != _lastDecile)
        {
            _lastDecile = decile;
            writer.WriteLine(line);
        }
    }
}

/// <summary>A percentage bar of a catalogue being embedded.</summary>
internal sealed class ProgressLine(TextWriter writer, string label) : TerminalLine(writer)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Report(CatalogueProgress progress)
    {
        var fraction = progress.Total == 0 ? 1.0 : (double)progress.Done / progress.Total;
        var filled = (int)(fraction * 30);
        var rate = progress.Embedded / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        Draw(fraction, $"{label} [{new string('#', filled)}{new string('.', 30 - filled)}] {EsciCatalog.Format(100 * fraction, "0")}% " +
                       $"{progress.Done}/{progress.Total} (embedded {progress.Embedded}, from cache {progress.FromCache}, {EsciCatalog.Format(rate)} texts/s)");
    }
}

/// <summary>A count with its rate and the time left.</summary>
internal sealed class CountLine(TextWriter writer, string label) : TerminalLine(writer)
{
    public void Report(long done, long total, TimeSpan elapsed)
    {
        var fraction = total == 0 ? 1.0 : (double)done / total;
        var rate = done / Math.Max(elapsed.TotalSeconds, 1e-3);
        var left = rate > 0 ? (total - done) / rate : 0;
        Draw(fraction, $"{label} {done}/{total} ({EsciCatalog.Format(100 * fraction, "0")}%, {EsciCatalog.Format(rate, "0")}/s, {EsciCatalog.Format(left, "0")} s left)");
    }
}
