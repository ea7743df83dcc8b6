using System.Net;
using System.Net.Sockets;

namespace Chain.Network.Peers;

/// <summary>
/// How the peer layer groups inbound addresses: one <see cref="AddressKey"/> per subscriber (an IPv4 address, or an
/// IPv6 /64, one subscriber's usual allocation, which an attacker could otherwise walk one address at a time), and
/// wider network groups (<see cref="Group"/>) that many addresses of one operator share.
/// </summary>
public static class NetworkGroup
{
    /// <summary>Prefix length of an IPv6 <see cref="AddressKey"/>.</summary>
    public const int IPv6SubscriberPrefix = 64;

    /// <summary>Prefix length of an IPv4 eviction group (PROTOCOL.md 6).</summary>
    public const int IPv4GroupPrefix = 16;

    /// <summary>Prefix length of an IPv6 eviction group.</summary>
    public const int IPv6GroupPrefix = 64;

    /// <summary>Prefix length of an IPv4 handshake-rate group.</summary>
    public const int IPv4RateGroupPrefix = 16;

    /// <summary>Prefix length of an IPv6 handshake-rate group (as Bitcoin Core's network groups).</summary>
    public const int IPv6RateGroupPrefix = 32;

    /// <summary>An IPv4 address as itself (an IPv4-mapped IPv6 address as its IPv4 form).</summary>
    public static IPAddress Unmap(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>One subscriber: the IPv4 address, or the IPv6 address's /64.</summary>
    public static IPAddress AddressKey(IPAddress address) => Prefix(address, 32, IPv6SubscriberPrefix);

    /// <summary>The eviction group: IPv4 /16, IPv6 /64.</summary>
    public static IPAddress Group(IPAddress address) => Prefix(address, IPv4GroupPrefix, IPv6GroupPrefix);

    /// <summary>The handshake-rate group: IPv4 /16, IPv6 /32.</summary>
    public static IPAddress RateGroup(IPAddress address) => Prefix(address, IPv4RateGroupPrefix, IPv6RateGroupPrefix);

    /// <summary>The address with every bit after the first <paramref name="ipv4Bits"/> (IPv4) or <paramref name="ipv6Bits"/> (IPv6) cleared.</summary>
    public static IPAddress Prefix(IPAddress address, int ipv4Bits, int ipv6Bits)
    {
        var unmapped = Unmap(address);
        var bits = unmapped.AddressFamily == AddressFamily.InterNetworkV6 ? ipv6Bits : ipv4Bits;
        Span<byte> bytes = stackalloc byte[16];
        if (!unmapped.TryWriteBytes(bytes, out var length))
        {
            return unmapped;
        }

        if (bits >= length * 8)
        {
            return unmapped;
        }

        var full = bits / 8;
        if (bits % 8 != 0)
        {
            bytes[full] &= (byte)(0xFF << (8 - (bits % 8)));
            full++;
        }

        bytes[full..length].Clear();
        return unmapped.AddressFamily == AddressFamily.InterNetworkV6 ? new IPAddress(bytes[..length], unmapped.ScopeId) : new IPAddress(bytes[..length]);
    }
}
