namespace VectorIndexer.Core.Security;

/// <summary>
/// How many failed credential attempts a client partition (see <see cref="ClientPartition"/>) may make
/// before it is locked out: after <see cref="PermitLimit"/> failures within one <see cref="Window"/>
/// (which starts at its first failure) every request of the client that presents credentials is
/// refused until the window ends. Used by <c>Api:FailedKeyAttempts</c> and
/// <c>Worker:Dashboard:FailedAttempts</c>.
/// </summary>
public sealed class FailedAttemptOptions
{
    /// <summary>The smallest <see cref="PermitLimit"/> accepted.</summary>
    public const int MinPermitLimit = 1;

    /// <summary>The largest <see cref="PermitLimit"/> accepted.</summary>
    public const int MaxPermitLimit = 1000;

    /// <summary>The shortest <see cref="Window"/> accepted.</summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);

    /// <summary>The longest <see cref="Window"/> accepted.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>Failed attempts a client may make per <see cref="Window"/>; the next request with credentials is refused (429).</summary>
    public int PermitLimit { get; set; } = 10;

    /// <summary>The window the failures are counted in, from a client's first failure; a locked-out client waits until it ends.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>What is wrong with these settings, each message naming the setting under <paramref name="section"/> (never a value); empty when valid.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var failures = new List<string>();
        if (PermitLimit is < MinPermitLimit or > MaxPermitLimit)
        {
            failures.Add($"{section}:PermitLimit must be between {MinPermitLimit} and {MaxPermitLimit}.");
        }

        if (Window < MinWindow || Window > MaxWindow)
        {
            failures.Add($"{section}:Window must be between 00:00:01 and 1.00:00:00.");
        }

        return failures;
    }
}
