using Chain.Node.Operations.Results;

namespace Chain.Node.Rpc.Subscriptions;

/// <summary>The result of a <c>peers</c> notification: <c>connected</c> or <c>disconnected</c>, and the peer as <c>peers</c> lists it.</summary>
public sealed record PeerNotification(string Event, PeerInfo Peer);
