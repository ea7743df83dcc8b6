namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>disconnect</c>: the connections closed, and the neighbours (<c>host:port</c>) no longer dialled.</summary>
public sealed record DisconnectInfo(IReadOnlyList<PeerInfo> Disconnected, IReadOnlyList<string> Forgotten);
