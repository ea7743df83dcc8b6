using System.Globalization;
using Chain.Network.Handshake;

namespace Chain.Network.Peers;

/// <summary>A neighbour to dial: <c>host:port</c>, or <c>host:port@node-id</c> to pin the node's identity; IPv6 hosts in brackets.</summary>
/// <param name="Host">Host name or IP address (without brackets).</param>
/// <param name="Port">TCP port, 1 to 65535.</param>
/// <param name="NodeId">The pinned node id (64 lower-case hex), or null to accept any node.</param>
public sealed record PeerAddress(string Host, int Port, string? NodeId = null)
{
    /// <summary>Parses <c>host:port[@node-id]</c>.</summary>
    /// <exception cref="FormatException">The text is not such an address; the message says what is wrong.</exception>
    public static PeerAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    /// <summary>Parses <c>host:port[@node-id]</c>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PeerAddress? address, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A peer address is empty; expected host:port or host:port@node-id.";
            return false;
        }

        var rest = text.Trim();
        string? nodeId = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            nodeId = rest[(at + 1)..].ToLowerInvariant();
            rest = rest[..at];
            if (!NodeKey.IsValidNodeId(nodeId))
            {
                error = $"In peer address \"{text}\": the node id after '@' must be {NodeKey.NodeIdLength} hexadecimal characters.";
                return false;
            }
        }

        string host;
        string portText;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                error = $"In peer address \"{text}\": expected [ipv6-address]:port.";
                return false;
            }

            host = rest[1..close];
            portText = rest[(close + 2)..];
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"In peer address \"{text}\": the port is missing; expected host:port.";
                return false;
            }

            host = rest[..colon];
            portText = rest[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = $"In peer address \"{text}\": write an IPv6 address in brackets, as [address]:port.";
                return false;
            }
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            error = $"In peer address \"{text}\": the host is empty or contains spaces.";
            return false;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65_535)
        {
            error = $"In peer address \"{text}\": the port must be a number from 1 to 65535.";
            return false;
        }

        address = new PeerAddress(host, port, nodeId);
        error = null;
        return true;
    }

    /// <summary>The address in the form <see cref="Parse"/> reads.</summary>
    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return NodeId is null ? $"{host}:{Port}" : $"{host}:{Port}@{NodeId}";
    }
}
