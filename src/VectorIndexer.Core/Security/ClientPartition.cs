using System.Net;
using System.Net.Sockets;

namespace VectorIndexer.Core.Security;

/// <summary>
/// The partition a client's requests are counted in by the rate limits and the failed-attempt
/// limits: its IPv4 address, or its IPv6 /64 network (one subscriber's usual allocation, so a client
/// cannot escape a limit by cycling through the addresses of its own network).
/// </summary>
/// <remarks>
/// The address is the connection's. Behind a reverse proxy, the host must apply the
/// forwarded-headers middleware with the proxy's address as a known proxy (never trust
/// <c>X-Forwarded-For</c> from anyone), or every client shares the proxy's partition.
/// </remarks>
public static class ClientPartition
{
    /// <summary>The partition of requests that carry no remote address.</summary>
    public const string Unknown = "unknown";

    /// <summary>The partition of <paramref name="address"/>: <c>203.0.113.7</c>, or <c>2001:db8:1:2::/64</c>.</summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            return new IPAddress(bytes).ToString() + "/64";
        }

        return address.ToString();
    }
}
