namespace VectorIndexer.Cli;

/// <summary>Process exit codes of the CLI.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad input: an empty text, a missing file, a malformed line.</summary>
    public const int InvalidInput = 1;

    /// <summary>The model or a setting cannot be used.</summary>
    public const int Configuration = 2;

    public const int Cancelled = 130;
}
