using Chain.Core.Crypto;

namespace Chain.Network.Handshake;

/// <summary>A peer's validated hello.</summary>
/// <param name="Version">Protocol version.</param>
/// <param name="Magic">Network magic.</param>
/// <param name="GenesisHash">Genesis block hash.</param>
/// <param name="NodeId">The peer's node id (checked against its key).</param>
/// <param name="ListenPort">Port the peer accepts connections on; 0 when it does not listen.</param>
/// <param name="BestHeight">Height of the peer's best block when it connected.</param>
/// <param name="CumulativeWork">Work of the peer's best chain when it connected.</param>
/// <param name="UserAgent">Free text naming the peer's software.</param>
public sealed record PeerHello(
    int Version,
    uint Magic,
    Hash256 GenesisHash,
    string NodeId,
    int ListenPort,
    uint BestHeight,
    UInt128 CumulativeWork,
    string UserAgent);
