using System.ComponentModel.DataAnnotations;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Embedded;

/// <summary>How hard SQLite works to make a commit durable (its <c>synchronous</c> pragma, in WAL mode).</summary>
public enum EmbeddedSynchronousMode
{
    /// <summary>Every commit is flushed to disk before it is acknowledged: survives a crash of the process and of the machine.</summary>
    Full,

    /// <summary>Commits reach the operating system before they are acknowledged: survives a crash of the process, may lose the last commits on power loss.</summary>
    Normal,
}

/// <summary>Settings of the embedded product index (configuration section <c>Index:Embedded</c>).</summary>
public sealed class EmbeddedIndexOptions
{
    public const string SectionName = "Index:Embedded";

    /// <summary>The folder holding the index database; relative paths are under the content root.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data/index";

    public EmbeddedSynchronousMode Synchronous { get; set; } = EmbeddedSynchronousMode.Full;

    /// <summary>Product attributes that filters may name, as <c>attributes.&lt;name&gt;</c>.</summary>
    public IList<string> FilterableAttributes { get; init; } = [];

    /// <summary>
    /// Lexical (BM25F) settings given to generations created from now on (<c>Index:Embedded:Lexical</c>);
    /// each generation keeps the settings it was created with.
    /// </summary>
    public LexicalOptions Lexical { get; set; } = new();
}
