namespace Chain.Core.Specs;

/// <summary>
/// A chain-spec file: everything that defines a network, read from JSON (<see cref="ChainSpecJsonContext"/>) and
/// turned into rules by <see cref="Ledger.NetworkParameters.FromSpec"/>, which names the field of any error. Every
/// member is nullable so that a missing one is reported by name rather than taken as zero.
/// </summary>
/// <remarks>Amounts (allocations, reward, fee) are integer counts of base units: 1 coin = 100 000 000 units.</remarks>
public sealed class ChainSpec
{
    /// <summary>The network's name: lower-case letters, digits and '-', shown in logs and written in the data folder.</summary>
    public string? Name { get; set; }

    /// <summary>The network magic as hexadecimal (<c>0x4e49414d</c>), carried by every transaction and handshake.</summary>
    public string? Magic { get; set; }

    /// <summary>The Bech32m prefix of the network's addresses (<c>chain</c> gives <c>chain1…</c>).</summary>
    public string? AddressPrefix { get; set; }

    /// <summary>The genesis block: its timestamp and the balances it creates.</summary>
    public ChainSpecGenesis? Genesis { get; set; }

    /// <summary>The reward of a block's coinbase and its halving schedule.</summary>
    public ChainSpecReward? BlockReward { get; set; }

    /// <summary>Smallest fee a transaction may pay, in base units.</summary>
    public long? MinFee { get; set; }

    /// <summary>Size limits of blocks and transactions (at most the protocol's hard caps).</summary>
    public ChainSpecLimits? Limits { get; set; }

    /// <summary>Blocks until a coinbase may be spent (1: by the block after its own).</summary>
    public int? CoinbaseMaturity { get; set; }

    /// <summary>The consensus engine and its parameters.</summary>
    public ChainSpecConsensus? Consensus { get; set; }
}
