using System.Globalization;
using System.Reflection;
using Qdrant.Client;

namespace VectorIndexer.Index.Qdrant;

/// <summary>How far apart two versions are.</summary>
public enum VersionDrift
{
    /// <summary>Same major, minor and patch.</summary>
    None,

    /// <summary>Only the patch differs.</summary>
    Patch,

    /// <summary>The minor differs (same major).</summary>
    Minor,

    /// <summary>The major differs.</summary>
    Major,
}

/// <summary>
/// Compares the Qdrant server's version with the client library's. Qdrant supports a client
/// against a server of the same minor version; one minor or more apart may still work but is
/// untested, which is worth a warning at start.
/// </summary>
public static class QdrantVersions
{
    private static readonly Lazy<Version?> Client = new(ReadClientVersion);

    /// <summary>The Qdrant.Client package version this build uses, or null when unreadable.</summary>
    public static Version? ClientVersion => Client.Value;

    /// <summary>
    /// Parses "1.20.0", "v1.20.0", "1.20.0-rc.1" and "1.20.0+abc" (pre-release and build parts
    /// ignored; a missing patch reads as 0).
    /// </summary>
    public static bool TryParse(string? text, out Version version)
    {
        version = new Version(0, 0, 0);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var core = text.Trim();
        if (core.StartsWith('v') || core.StartsWith('V'))
        {
            core = core[1..];
        }

        var cut = core.IndexOfAny(['-', '+', ' ']);
        if (cut >= 0)
        {
            core = core[..cut];
        }

        var parts = core.Split('.');
        if (parts.Length is < 2 or > 4)
        {
            return false;
        }

        var numbers = new int[3];
        for (var i = 0; i < Math.Min(parts.Length, 3); i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }

        version = new Version(numbers[0], numbers[1], numbers[2]);
        return true;
    }

    /// <summary>How far <paramref name="server"/> is from <paramref name="client"/>.</summary>
    public static VersionDrift Compare(Version client, Version server)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        if (client.Major != server.Major)
        {
            return VersionDrift.Major;
        }

        if (client.Minor != server.Minor)
        {
            return VersionDrift.Minor;
        }

        return Math.Max(client.Build, 0) == Math.Max(server.Build, 0) ? VersionDrift.None : VersionDrift.Patch;
    }

    /// <summary>Whether the pair deserves a warning: a minor version or more apart.</summary>
    public static bool ShouldWarn(Version client, Version server) => Compare(client, server) >= VersionDrift.Minor;

    private static Version? ReadClientVersion()
    {
        var informational = typeof(QdrantClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return TryParse(informational, out var version) ? version : null;
    }
}
