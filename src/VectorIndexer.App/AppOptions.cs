using System.ComponentModel.DataAnnotations;

namespace VectorIndexer.App;

/// <summary>When the all-in-one app indexes its catalogue feed at start.</summary>
public enum StartupIndexingMode
{
    /// <summary>When no generation is live, or the feed (or a setting that shapes the vectors) changed since it was indexed.</summary>
    WhenChanged,

    /// <summary>At every start; products whose text is unchanged keep their vectors.</summary>
    Always,

    /// <summary>Never: the index is filled by pushes or from the dashboard.</summary>
    Never,
}

/// <summary>Settings of the all-in-one app (configuration section <c>App</c>).</summary>
public sealed class AppOptions
{
    public const string SectionName = "App";

    /// <summary>The default of <see cref="DataDirectory"/>.</summary>
    public const string DefaultDataDirectory = "data";

    /// <summary>
    /// Folder of everything the app writes: the embedded index (<c>index/</c>, unless
    /// <c>Index:Embedded:DataDirectory</c> is set), the job storage (<c>worker/</c>, unless
    /// <c>Worker:DataDirectory</c> is set) and the record of what was indexed at start. Relative
    /// paths are under the content root; resolved to an absolute path at start.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>When the feed <c>Worker:RecurringReindex:FeedLocation</c> is indexed at start.</summary>
    public StartupIndexingMode IndexAtStart { get; set; } = StartupIndexingMode.WhenChanged;
}
