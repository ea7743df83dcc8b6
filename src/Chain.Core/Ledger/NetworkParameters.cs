using Chain.Core.Consensus;
using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// The consensus rules of one network. <see cref="Main"/> retargets its difficulty toward a block time;
/// <see cref="Dev"/> has a trivial fixed difficulty so tests and demos mine a block in milliseconds.
/// </summary>
public sealed class NetworkParameters
{
    /// <summary>Seconds a block's timestamp may lie ahead of the local clock.</summary>
    public const long MaxFutureSeconds = 2 * 60 * 60;

    /// <summary>A block's timestamp must exceed the median of this many previous timestamps.</summary>
    public const int MedianTimeSpan = 11;

    private Block? _genesis;

    private NetworkParameters(string name, string addressPrefix, uint magic, uint powLimitBits, int targetBlockSeconds, int retargetInterval, int halvingInterval, long minFee, int coinbaseMaturity)
    {
        Name = name;
        AddressPrefix = addressPrefix;
        Magic = magic;
        PowLimitBits = powLimitBits;
        TargetBlockSeconds = targetBlockSeconds;
        RetargetInterval = retargetInterval;
        HalvingInterval = halvingInterval;
        MinFee = minFee;
        CoinbaseMaturity = coinbaseMaturity;
        Consensus = new PowParameters(powLimitBits, targetBlockSeconds, retargetInterval);
    }

    /// <summary>The main network: 60-second blocks, retargeting every 10 blocks, coinbases spendable after 100 blocks.</summary>
    public static NetworkParameters Main { get; } = new("main", "chain", 0x4e49_414d, 0x1f00_ffff, 60, 10, 210_000, 1_000, 100);

    /// <summary>The development network: every other hash is a block; the difficulty never changes; coinbases spendable after 3 blocks.</summary>
    public static NetworkParameters Dev { get; } = new("dev", "chaindev", 0x5645_4400, 0x207f_ffff, 1, 0, 10_000, 1_000, 3);

    /// <summary>Every known network.</summary>
    public static IReadOnlyList<NetworkParameters> All { get; } = [Main, Dev];

    /// <summary>The network's name as used on the command line (<c>main</c>, <c>dev</c>).</summary>
    public string Name { get; }

    /// <summary>The Bech32m prefix of this network's addresses (<c>chain</c> on main, <c>chaindev</c> on dev), so an address of one network is refused on another.</summary>
    public string AddressPrefix { get; }

    /// <summary>Network id carried by transactions and handshakes.</summary>
    public uint Magic { get; }

    /// <summary>The consensus engine and its parameters; the ledger chooses its engine from this alone.</summary>
    public ConsensusParameters Consensus { get; }

    /// <summary>The easiest target allowed, and the genesis block's.</summary>
    public uint PowLimitBits { get; }

    /// <summary>Desired seconds between blocks.</summary>
    public int TargetBlockSeconds { get; }

    /// <summary>Blocks between difficulty adjustments; 0 keeps the difficulty fixed.</summary>
    public int RetargetInterval { get; }

    /// <summary>Blocks between halvings of the reward.</summary>
    public int HalvingInterval { get; }

    /// <summary>
    /// Blocks until a coinbase can be spent: the coinbase of block h is credited to its recipient's balance by block
    /// h + maturity − 1, so a transfer in block h + maturity is the first that may spend it (Bitcoin's rule; 100 on
    /// main, 3 on dev so that "mine 3, then send" works). 1 would credit a coinbase with its own block.
    /// </summary>
    public int CoinbaseMaturity { get; }

    /// <summary>Smallest fee a transaction may pay, in units.</summary>
    public long MinFee { get; }

    /// <summary>Reward of the first blocks, in units.</summary>
    public long InitialReward => 50 * Money.UnitsPerCoin;

    /// <summary>Timestamp of the genesis block: 2026-01-01T00:00:00Z.</summary>
    public long GenesisTimestamp => 1_767_225_600;

    /// <summary>The fixed first block: its coinbase pays nothing to <see cref="Address.Zero"/>.</summary>
    public Block Genesis => _genesis ??= BuildGenesis();

    /// <summary>Hash of <see cref="Genesis"/>; identical on every node of this network.</summary>
    public Hash256 GenesisHash => Genesis.Hash;

    /// <summary>The block reward at <paramref name="height"/>: 50 coins halving every <see cref="HalvingInterval"/> blocks.</summary>
    public long BlockReward(uint height)
    {
        var halvings = height / (uint)HalvingInterval;
        return halvings >= 63 ? 0 : InitialReward >> (int)halvings;
    }

    /// <summary>Looks a network up by name (case-insensitive).</summary>
    public static NetworkParameters? Find(string? name) =>
        All.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The checksummed text form of <paramref name="address"/> on this network (<see cref="Address.ToText"/>).</summary>
    public string FormatAddress(Address address) => address.ToText(AddressPrefix);

    /// <summary>Parses an address typed by a user: only this network's checksummed form (<see cref="Address.TryParseText"/>).</summary>
    public bool TryParseAddress(string? text, out Address address, out string? error) =>
        Address.TryParseText(text, AddressPrefix, out address, out error);

    /// <inheritdoc />
    public override string ToString() => Name;

    private Block BuildGenesis()
    {
        var coinbase = Transaction.CreateCoinbase(Magic, Address.Zero, 0, 0);
        var header = new BlockHeader(BlockHeader.CurrentVersion, 0, Hash256.Zero, MerkleTree.ComputeRoot([coinbase]), GenesisTimestamp, PowLimitBits, 0);
        return new Block(header, [coinbase]);
    }
}
