namespace Chain.Node.Operations.Results;

/// <summary>Answer of <c>networkinfo</c>: which network, this node's identity and its connections.</summary>
public sealed record NetworkInfo(string Network, string Magic, string NodeId, string? Listen, int Inbound, int Outbound, string MinFee);
