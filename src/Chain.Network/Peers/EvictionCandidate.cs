using System.Net;

namespace Chain.Network.Peers;

/// <summary>What <see cref="InboundEviction"/> knows of one established inbound connection.</summary>
/// <param name="Connection">The connection (or any token in tests).</param>
/// <param name="Group">Its network group (<see cref="NetworkGroup.Group"/>).</param>
/// <param name="MinPing">Its lowest measured ping round trip; null before the first pong.</param>
/// <param name="LastBlock">When it last gave a block that joined the best chain (a timestamp); 0 if never.</param>
/// <param name="LastTransaction">When it last gave a transaction the mempool took (a timestamp); 0 if never.</param>
/// <param name="ConnectedAt">When its handshake completed.</param>
public sealed record EvictionCandidate(object Connection, IPAddress Group, TimeSpan? MinPing, long LastBlock, long LastTransaction, DateTimeOffset ConnectedAt);
