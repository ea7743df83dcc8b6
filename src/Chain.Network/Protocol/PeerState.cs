using Chain.Core.Crypto;
using Chain.Network.Peers;

namespace Chain.Network.Protocol;

/// <summary>What the protocol tracks for one connection. Guarded by its own lock; never held across ledger calls.</summary>
internal sealed class PeerState(PeerConnection connection)
{
    public PeerConnection Connection { get; } = connection;

    public Lock Gate { get; } = new();

    /// <summary>Transactions the peer has or was sent.</summary>
    public KnownInventory KnownTxs { get; } = new();

    /// <summary>Blocks the peer has or was sent.</summary>
    public KnownInventory KnownBlocks { get; } = new();

    /// <summary>Best cumulative work the peer has shown (hello, then blocks it sent).</summary>
    public UInt128 BestWork { get; set; }

    /// <summary>Whether a getblocks to this peer awaits its answer.</summary>
    public bool SyncInFlight { get; set; }

    /// <summary>When the outstanding getblocks was sent (it lapses after <see cref="NodeProtocol.RequestTimeout"/>).</summary>
    public long SyncRequestedAt { get; set; }

    /// <summary>The last block a continuation getblocks started after, so a repeated batch ends the sync.</summary>
    public Hash256? SyncContinuation { get; set; }

    /// <summary>Transactions requested from this peer and not yet answered (guarded by the protocol's request lock).</summary>
    public int TxRequestsInFlight { get; set; }

    /// <summary>
    /// Requests of other peers for which this peer is a remembered announcer (guarded by the protocol's request lock);
    /// at most <see cref="NodeProtocol.MaxTxRequestsPerPeer"/>.
    /// </summary>
    public int TxAlternatives { get; set; }

    /// <summary>Blocks received from this peer during sync, for progress logs.</summary>
    public int BlocksReceived { get; set; }

    /// <summary>
    /// Blocks requested from this peer by getdata and not yet received, with when (a timestamp): at most
    /// <see cref="NodeProtocol.MaxBlockRequestsPerPeer"/>, each lapsing after <see cref="NodeProtocol.RequestTimeout"/>.
    /// </summary>
    public Dictionary<Hash256, long> RequestedBlocks { get; } = [];

    /// <summary>The compact block from this peer awaiting its <c>blocktxn</c> (only the event loop touches it).</summary>
    public PartialBlock? PendingCompactBlock { get; set; }

    public override string ToString() => Connection.ToString();
}
