namespace Chain.Node.Services;

/// <summary>What the operations need of the peer-to-peer network: the peer list, this node's identity and dialling a new neighbour.</summary>
public interface IPeerDirectory
{
    /// <summary>The connected peers.</summary>
    IReadOnlyList<PeerSummary> Peers { get; }

    /// <summary>This node's id (64 hex characters); empty where there is no network.</summary>
    string NodeId => string.Empty;

    /// <summary>Where the node listens for peers (<c>ip:port</c>), or null before it listens.</summary>
    string? ListenEndpoint => null;

    /// <summary>Dials <paramref name="endpoint"/> (<c>host:port[@node-id]</c>); returns null on success or the reason it failed.</summary>
    Task<string?> ConnectAsync(string endpoint, CancellationToken cancellationToken);
}

/// <summary>One connected peer as the console lists it.</summary>
public sealed record PeerSummary(string Endpoint, string NodeId, bool Inbound);
