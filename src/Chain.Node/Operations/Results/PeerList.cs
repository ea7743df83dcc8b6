namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>peers</c>.</summary>
public sealed record PeerList(IReadOnlyList<PeerInfo> Peers);
