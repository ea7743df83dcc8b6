namespace Chain.Node.Operations.Results;

/// <summary>One connected peer; <see cref="Direction"/> is <c>inbound</c> or <c>outbound</c>.</summary>
public sealed record PeerInfo(string Endpoint, string NodeId, string Direction);
