using System.Net;

namespace Chain.Node.Services;

/// <summary>
/// What the operations need of the peer-to-peer network: the peer list, this node's identity, dialling and dropping
/// neighbours, and the operator's bans.
/// </summary>
public interface IPeerDirectory
{
    /// <summary>The connected peers.</summary>
    IReadOnlyList<PeerSummary> Peers { get; }

    /// <summary>This node's id (64 hex characters); empty where there is no network.</summary>
    string NodeId => string.Empty;

    /// <summary>Where the node listens for peers (<c>ip:port</c>), or null before it listens.</summary>
    string? ListenEndpoint => null;

    /// <summary>
    /// Dials <paramref name="endpoint"/> (<c>host:port[@node-id]</c>) and, once connected, remembers it (dialled
    /// again at every start, redialled when lost); says whether the node was already connected, or why it failed.
    /// </summary>
    Task<DialResult> ConnectAsync(string endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Closes the connections to <paramref name="target"/> (a node id, or an endpoint as <c>peers</c> shows it or as
    /// it was given to connect) and forgets it as a neighbour; null when nothing matched.
    /// </summary>
    DisconnectResult? Disconnect(string target) => null;

    /// <summary>Bans <paramref name="address"/> for <paramref name="duration"/>, disconnecting its peers; the ban is kept across restarts.</summary>
    BanSummary Ban(IPAddress address, TimeSpan duration) => throw new NotSupportedException("this node has no peer-to-peer network");

    /// <summary>Lifts a ban; false when the address was not banned.</summary>
    bool Unban(IPAddress address) => false;

    /// <summary>The bans in force, soonest to end first.</summary>
    IReadOnlyList<BanSummary> Bans => [];
}

/// <summary>
/// One connected peer as the console lists it, with the best height it announced when it connected, when its
/// handshake completed, its lowest ping round trip so far (null before the first pong) and the bytes of sealed
/// frames sent to it and read from it.
/// </summary>
public sealed record PeerSummary(string Endpoint, string NodeId, bool Inbound, uint BestHeight = 0, DateTimeOffset ConnectedAt = default, TimeSpan? MinPing = null, long BytesSent = 0, long BytesReceived = 0)
{
    /// <summary>The summary of a live connection.</summary>
    public static PeerSummary Of(Chain.Network.Peers.PeerConnection peer) =>
        new(peer.RemoteEndPoint.ToString(), peer.NodeId, peer.IsInbound, peer.Hello.BestHeight, peer.ConnectedAt, peer.MinPing, peer.BytesSent, peer.BytesReceived);
}

/// <summary>How a dial ended: <see cref="Error"/> when it failed, else the node reached and whether it was already connected.</summary>
public sealed record DialResult(string? Error, string NodeId = "", bool AlreadyConnected = false);

/// <summary>What <c>disconnect</c> did: the peers it closed, and the neighbour entries it forgot (no longer dialled).</summary>
public sealed record DisconnectResult(IReadOnlyList<PeerSummary> Closed, IReadOnlyList<string> Forgotten);

/// <summary>One ban: the address, when it was set and when it ends.</summary>
public sealed record BanSummary(string Address, DateTimeOffset Created, DateTimeOffset Until);
