using System.ComponentModel.DataAnnotations;

namespace VectorIndexer.Api.Search;

/// <summary>Settings of the search endpoints (section <c>Search</c>).</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>How many recent query vectors to keep, so a repeated query skips the model; 0 disables the cache.</summary>
    [Range(0, 1_000_000)]
    public int QueryCacheSize { get; set; } = 1024;
}
