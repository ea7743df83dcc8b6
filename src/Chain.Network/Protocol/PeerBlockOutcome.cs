namespace Chain.Network.Protocol;

/// <summary>What became of a block a peer sent.</summary>
internal enum PeerBlockOutcome
{
    /// <summary>Taken (connected, side chain, orphan) or already known.</summary>
    Taken,

    /// <summary>Refused without blame (its timestamp is too far ahead of our clock): later blocks of the same batch cannot connect.</summary>
    Deferred,

    /// <summary>Invalid: the peer was disconnected and discouraged.</summary>
    Punished,
}
