namespace Chain.Node.Services;

/// <summary>What the console needs of the peer-to-peer network: the peer list and dialling a new neighbour.</summary>
public interface IPeerDirectory
{
    /// <summary>The connected peers.</summary>
    IReadOnlyList<PeerSummary> Peers { get; }

    /// <summary>Dials <paramref name="endpoint"/> (<c>host:port[@node-id]</c>); returns null on success or the reason it failed.</summary>
    Task<string?> ConnectAsync(string endpoint, CancellationToken cancellationToken);
}

/// <summary>One connected peer as the console lists it.</summary>
public sealed record PeerSummary(string Endpoint, string NodeId, bool Inbound);
