using Chain.Node.Services;

namespace Chain.Node.Operations.Results;

/// <summary>
/// One connected peer; <see cref="Direction"/> is <c>inbound</c> or <c>outbound</c>. <see cref="Since"/> is when its
/// handshake completed (UTC, ISO 8601, to the second), <see cref="PingMs"/> its lowest ping round trip in
/// milliseconds (null before the first pong, every 30 s), and the byte counts those of the sealed frames sent to it
/// and read from it since then (length prefixes included).
/// </summary>
public sealed record PeerInfo(string Endpoint, string NodeId, string Direction, string Since, double? PingMs, long BytesSent, long BytesReceived)
{
    /// <summary>The answer's form of a peer.</summary>
    public static PeerInfo Of(PeerSummary peer) => new(
        peer.Endpoint,
        peer.NodeId,
        peer.Inbound ? "inbound" : "outbound",
        peer.ConnectedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        peer.MinPing is { } ping ? Math.Round(ping.TotalMilliseconds, 3) : null,
        peer.BytesSent,
        peer.BytesReceived);
}
