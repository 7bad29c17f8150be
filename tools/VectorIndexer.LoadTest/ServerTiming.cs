using System.Globalization;

namespace VectorIndexer.LoadTest;

/// <summary>The <c>embed</c> and <c>search</c> durations (ms) of a W3C Server-Timing header.</summary>
internal readonly record struct ServerTiming(double? Embed, double? Search)
{
    /// <summary>
    /// Reads entries such as <c>embed;dur=3.2, search;dur=0.4</c> (one or several header values);
    /// unknown metrics and malformed entries are ignored.
    /// </summary>
    public static ServerTiming Parse(IEnumerable<string> headerValues)
    {
        double? embed = null, search = null;
        foreach (var value in headerValues)
        {
            foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = entry.Split(';', StringSplitOptions.TrimEntries);
                double? duration = null;
                foreach (var parameter in parts.Skip(1))
                {
                    if (parameter.StartsWith("dur=", StringComparison.OrdinalIgnoreCase)
                        && double.TryParse(parameter.AsSpan(4), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                    {
                        duration = ms;
                    }
                }

                if (duration is null)
                {
                    continue;
                }

                if (parts[0].Equals("embed", StringComparison.OrdinalIgnoreCase))
                {
                    embed = duration;
                }
                else if (parts[0].Equals("search", StringComparison.OrdinalIgnoreCase))
                {
                    search = duration;
                }
            }
        }

        return new ServerTiming(embed, search);
    }
}
