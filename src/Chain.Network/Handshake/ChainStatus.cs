namespace Chain.Network.Handshake;

/// <summary>The local chain tip as announced in a hello.</summary>
/// <param name="BestHeight">Height of the best block.</param>
/// <param name="CumulativeWork">Total work of the best chain.</param>
public readonly record struct ChainStatus(uint BestHeight, UInt128 CumulativeWork);
