using System.Security.Cryptography;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Specs;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Core.Tests.TestSupport;

/// <summary>
/// A proof-of-authority network of three signers (fixed keys 0, 1, 2; key 3 is a stranger) with a 5-second period, and
/// helpers that seal blocks on any parent, each field overridable to break a rule.
/// </summary>
internal sealed class PoaTestNetwork
{
    public const int Period = 5;

    public PoaTestNetwork(int epoch = 100, int signers = 3)
    {
        var addresses = Enumerable.Range(0, signers).Select(i => TestChain.AddressOf(TestChain.Key(i)));
        var spec = ChainSpecFile.Parse($$"""
            {
              "name": "poatest",
              "magic": "0x504f4154",
              "addressPrefix": "chainpoa",
              "genesis": { "timestamp": 1767225600, "allocations": [] },
              "blockReward": { "initial": 5000000000, "halvingInterval": 10000 },
              "minFee": 1000,
              "limits": { "maxBlockBytes": 2097152, "maxBlockTransactions": 32768, "maxTransactionBytes": 1024 },
              "coinbaseMaturity": 3,
              "consensus": {
                "engine": "poa",
                "signers": [{{string.Join(", ", addresses.Select(a => $"\"{a.ToText("chainpoa")}\""))}}],
                "periodSeconds": {{Period}},
                "epoch": {{epoch}}
              }
            }
            """);
        Network = NetworkParameters.FromSpec(spec);
        Clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Network.GenesisTimestamp + 86_400));
        Chain = new Blockchain(Network, Clock);
    }

    public NetworkParameters Network { get; }

    public FakeTimeProvider Clock { get; }

    public Blockchain Chain { get; }

    public PoaEngine Engine => (PoaEngine)Chain.Engine;

    public static RSA Key(int i) => TestChain.Key(i);

    public static Address Signer(int i) => TestChain.AddressOf(Key(i));

    /// <summary>
    /// A block on <paramref name="parent"/> sealed by key <paramref name="signer"/>: the header the engine prepares
    /// (turn, checkpoint list, period), with any part replaced.
    /// </summary>
    public Block Seal(
        BlockIndex parent,
        int signer,
        SignerVote? vote = null,
        long? timestamp = null,
        uint? difficulty = null,
        IReadOnlyList<Address>? signers = null,
        RSA? signingKey = null)
    {
        var key = Key(signer);
        var coinbase = Transaction.CreateCoinbase(Network.Magic, Signer(signer), Network.BlockReward(parent.Height + 1), parent.Height + 1);
        var root = MerkleTree.ComputeRoot([coinbase]);
        var sealer = new SealerIdentity(key.ExportSubjectPublicKeyInfo(), vote ?? SignerVote.None);
        var prepared = Engine.Prepare(parent, root, parent.Header.Timestamp, sealer);
        var header = BlockHeader.CreateSealed(
            prepared.Height,
            prepared.PreviousHash,
            prepared.MerkleRoot,
            timestamp ?? prepared.Timestamp,
            difficulty ?? prepared.Bits,
            vote ?? prepared.Vote,
            signers ?? prepared.Signers,
            prepared.SignerKey,
            []);
        return new Block(PoaEngine.Seal(header, signingKey ?? key), [coinbase]);
    }

    /// <summary>The key index (0..3) of the signer whose turn the child of <paramref name="parent"/> is.</summary>
    public int InTurn(BlockIndex parent)
    {
        var address = Engine.Snapshot(parent).InTurn(parent.Height + 1);
        return Enumerable.Range(0, FixedKeys.Count).First(i => Signer(i) == address);
    }

    /// <summary>A key index (0..3) of an authorised signer who may seal the child of <paramref name="parent"/> out of turn.</summary>
    public int OutOfTurn(BlockIndex parent)
    {
        var snapshot = Engine.Snapshot(parent);
        var height = parent.Height + 1;
        return Enumerable.Range(0, FixedKeys.Count).First(i =>
            snapshot.IsAuthorized(Signer(i)) && snapshot.InTurn(height) != Signer(i) && snapshot.SealedRecently(Signer(i), height) is null);
    }

    /// <summary>Seals and submits a block of <paramref name="signer"/> on the tip; returns its result.</summary>
    public BlockResult Extend(int signer, SignerVote? vote = null) => Chain.SubmitBlock(Seal(Chain.Tip, signer, vote));
}
