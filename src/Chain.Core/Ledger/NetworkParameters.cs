using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Specs;

namespace Chain.Core.Ledger;

/// <summary>
/// The consensus rules of one network, built from a chain spec (<see cref="FromSpec"/>). <see cref="Main"/> and
/// <see cref="Dev"/> are specs compiled into this assembly (<c>Specs/main.json</c>, <c>Specs/dev.json</c>): main
/// retargets its difficulty toward a block time; dev has a trivial fixed difficulty so tests and demos mine a block in
/// milliseconds.
/// </summary>
public sealed partial class NetworkParameters
{
    /// <summary>Seconds a block's timestamp may lie ahead of the local clock.</summary>
    public const long MaxFutureSeconds = 2 * 60 * 60;

    /// <summary>A block's timestamp must exceed the median of this many previous timestamps.</summary>
    public const int MedianTimeSpan = 11;

    /// <summary>
    /// The header's bits on a proof-of-authority network (genesis included): the easiest target, so the header's work
    /// check costs nothing; the proof-of-authority engine decides what a header's weight is.
    /// </summary>
    public const uint PoaBits = 0x207f_ffff;

    private Block? _genesis;

    private NetworkParameters(
        string name,
        string addressPrefix,
        uint magic,
        ConsensusParameters consensus,
        long genesisTimestamp,
        IReadOnlyList<GenesisAllocation> allocations,
        long initialReward,
        int halvingInterval,
        long minFee,
        int maxBlockBytes,
        int maxBlockTransactions,
        int maxTransactionBytes,
        int coinbaseMaturity)
    {
        Name = name;
        AddressPrefix = addressPrefix;
        Magic = magic;
        Consensus = consensus;
        (PowLimitBits, TargetBlockSeconds, RetargetInterval) = consensus switch
        {
            PowParameters pow => (pow.PowLimitBits, pow.TargetBlockSeconds, pow.RetargetInterval),
            PoaParameters poa => (PoaBits, poa.PeriodSeconds, 0),
            _ => throw new ArgumentException($"Unknown consensus engine {consensus.Engine}.", nameof(consensus)),
        };
        GenesisTimestamp = genesisTimestamp;
        Allocations = allocations;
        InitialReward = initialReward;
        HalvingInterval = halvingInterval;
        MinFee = minFee;
        MaxBlockBytes = maxBlockBytes;
        MaxBlockTransactions = maxBlockTransactions;
        MaxTransactionBytes = maxTransactionBytes;
        CoinbaseMaturity = coinbaseMaturity;
    }

    /// <summary>The main network: 60-second blocks, retargeting every 10 blocks, coinbases spendable after 100 blocks.</summary>
    public static NetworkParameters Main { get; } = BuiltIn("main");

    /// <summary>The development network: every other hash is a block; the difficulty never changes; coinbases spendable after 3 blocks.</summary>
    public static NetworkParameters Dev { get; } = BuiltIn("dev");

    /// <summary>The networks compiled in.</summary>
    public static IReadOnlyList<NetworkParameters> All { get; } = [Main, Dev];

    /// <summary>The network's name (<c>main</c>, <c>dev</c>, or a spec's <c>name</c>).</summary>
    public string Name { get; }

    /// <summary>The Bech32m prefix of this network's addresses (<c>chain</c> on main, <c>chaindev</c> on dev), so an address of one network is refused on another.</summary>
    public string AddressPrefix { get; }

    /// <summary>Network id carried by transactions and handshakes.</summary>
    public uint Magic { get; }

    /// <summary>The consensus engine and its parameters; the ledger chooses its engine from this alone.</summary>
    public ConsensusParameters Consensus { get; }

    /// <summary>The easiest target allowed, and the genesis block's (<see cref="PoaBits"/> under proof of authority).</summary>
    public uint PowLimitBits { get; }

    /// <summary>Desired seconds between blocks (the period under proof of authority).</summary>
    public int TargetBlockSeconds { get; }

    /// <summary>Blocks between difficulty adjustments; 0 keeps the difficulty fixed (always under proof of authority).</summary>
    public int RetargetInterval { get; }

    /// <summary>Blocks between halvings of the reward.</summary>
    public int HalvingInterval { get; }

    /// <summary>
    /// Blocks until a coinbase can be spent: the coinbase of block h is credited to its recipient's balance by block
    /// h + maturity − 1, so a transfer in block h + maturity is the first that may spend it (Bitcoin's rule; 100 on
    /// main, 3 on dev so that "mine 3, then send" works). 1 would credit a coinbase with its own block.
    /// Genesis allocations are not coinbases: they are in the balance from genesis on.
    /// </summary>
    public int CoinbaseMaturity { get; }

    /// <summary>Smallest fee a transaction may pay, in units.</summary>
    public long MinFee { get; }

    /// <summary>Largest valid block encoding on this network, in bytes (at most <see cref="Block.MaxEncodedSize"/>).</summary>
    public int MaxBlockBytes { get; }

    /// <summary>Most transactions in a valid block, coinbase included (at most <see cref="Block.MaxTransactions"/>).</summary>
    public int MaxBlockTransactions { get; }

    /// <summary>Largest valid transaction encoding on this network, in bytes (at most <see cref="Transaction.MaxEncodedSize"/>).</summary>
    public int MaxTransactionBytes { get; }

    /// <summary>Reward of the first blocks, in units.</summary>
    public long InitialReward { get; }

    /// <summary>Timestamp of the genesis block in Unix seconds (2026-01-01T00:00:00Z on main and dev).</summary>
    public long GenesisTimestamp { get; }

    /// <summary>The balances the genesis block creates, in spec order (none on main and dev).</summary>
    public IReadOnlyList<GenesisAllocation> Allocations { get; }

    /// <summary>
    /// The fixed first block: its coinbase pays nothing to <see cref="Address.Zero"/>; each allocation follows as a
    /// coinbase-shaped transaction (ENCODING.md, "Genesis").
    /// </summary>
    public Block Genesis => _genesis ??= BuildGenesis();

    /// <summary>Hash of <see cref="Genesis"/>; identical on every node of this network.</summary>
    public Hash256 GenesisHash => Genesis.Hash;

    /// <summary>The block reward at <paramref name="height"/>: <see cref="InitialReward"/> halving every <see cref="HalvingInterval"/> blocks.</summary>
    public long BlockReward(uint height)
    {
        var halvings = height / (uint)HalvingInterval;
        return halvings >= 63 ? 0 : InitialReward >> (int)halvings;
    }

    /// <summary>Looks a compiled-in network up by name (case-insensitive).</summary>
    public static NetworkParameters? Find(string? name) =>
        All.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The checksummed text form of <paramref name="address"/> on this network (<see cref="Address.ToText"/>).</summary>
    public string FormatAddress(Address address) => address.ToText(AddressPrefix);

    /// <summary>Parses an address typed by a user: only this network's checksummed form (<see cref="Address.TryParseText"/>).</summary>
    public bool TryParseAddress(string? text, out Address address, out string? error) =>
        Address.TryParseText(text, AddressPrefix, out address, out error);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static NetworkParameters BuiltIn(string name)
    {
        using var stream = typeof(NetworkParameters).Assembly.GetManifestResourceStream($"Chain.Core.Specs.{name}.json")
            ?? throw new InvalidOperationException($"The compiled-in spec {name}.json is missing.");
        using var reader = new StreamReader(stream);
        return FromSpec(ChainSpecFile.Parse(reader.ReadToEnd()));
    }

    // Genesis commits to the allocations: they are transactions of the block, so they are in its Merkle root and hash.
    private Block BuildGenesis()
    {
        var txs = new List<Transaction>(1 + Allocations.Count) { Transaction.CreateCoinbase(Magic, Address.Zero, 0, 0) };
        foreach (var allocation in Allocations)
        {
            txs.Add(Transaction.CreateCoinbase(Magic, allocation.Address, allocation.Amount, 0));
        }

        var header = new BlockHeader(BlockHeader.CurrentVersion, 0, Hash256.Zero, MerkleTree.ComputeRoot(txs), GenesisTimestamp, PowLimitBits, GenesisNonce());
        return new Block(header, txs);
    }
}
