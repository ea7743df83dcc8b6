using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Core.Tests.TestSupport;

/// <summary>Builds dev-network blocks on any parent, with valid proof of work, for ledger tests.</summary>
internal static class TestChain
{
    private static readonly Lazy<RSA[]> LazyKeys = new(() => [.. Enumerable.Range(0, FixedKeys.Count).Select(FixedKeys.Load)]);

    public static NetworkParameters Dev => NetworkParameters.Dev;

    /// <summary>Receives the rewards of filler blocks (<see cref="Mature"/>); no test holds its key.</summary>
    public static Address Filler { get; } = Address.Parse("f111111111111111111111111111111111111111");

    /// <summary>Four shared RSA-2048 keys, the same in every process (<see cref="FixedKeys"/>).</summary>
    public static RSA Key(int i) => LazyKeys.Value[i];

    public static Address AddressOf(RSA key) => Address.FromPublicKey(key.ExportSubjectPublicKeyInfo());

    /// <summary>A clock one day after genesis, so a long chain of one-second blocks stays in the past.</summary>
    public static FakeTimeProvider Clock(NetworkParameters? network = null) =>
        new(DateTimeOffset.FromUnixTimeSeconds((network ?? Dev).GenesisTimestamp + 86_400));

    public static Blockchain NewChain(FakeTimeProvider? clock = null) => new(Dev, clock ?? Clock());

    public static Transaction Transfer(RSA from, Address to, long amount, ulong nonce, long fee = 1_000, NetworkParameters? network = null) =>
        Transaction.CreateSigned(from, (network ?? Dev).Magic, to, amount, fee, nonce);

    /// <summary>Builds a solved block on <paramref name="parent"/>; every field can be overridden to break a rule.</summary>
    public static Block Build(
        BlockIndex parent,
        Address miner,
        IReadOnlyList<Transaction>? txs = null,
        NetworkParameters? network = null,
        long? timestamp = null,
        long? coinbaseAmount = null,
        uint? bits = null,
        uint? height = null,
        Hash256? merkleRoot = null,
        bool solve = true,
        Transaction? coinbase = null)
    {
        network ??= Dev;
        txs ??= [];
        var h = height ?? parent.Height + 1;
        var fees = txs.Sum(t => t.Fee);
        var cb = coinbase ?? Transaction.CreateCoinbase(network.Magic, miner, coinbaseAmount ?? network.BlockReward(h) + fees, h);
        var all = new List<Transaction> { cb };
        all.AddRange(txs);
        var header = new BlockHeader(
            BlockHeader.CurrentVersion,
            h,
            parent.Hash,
            merkleRoot ?? MerkleTree.ComputeRoot(all),
            timestamp ?? parent.Header.Timestamp + 1,
            bits ?? Difficulty.NextBits(network, parent),
            0);
        return new Block(solve ? Solve(header) : header, all);
    }

    /// <summary>Finds a nonce meeting the header's own target.</summary>
    public static BlockHeader Solve(BlockHeader header)
    {
        var target = Target.ToHash(Target.Expand(header.Bits));
        var hasher = new HeaderHasher(header.Encode());
        for (ulong start = 0; ; start += 4096)
        {
            if (hasher.TrySearch(start, 4096, target, out var nonce))
            {
                return header.WithNonce(nonce);
            }
        }
    }

    /// <summary>Finds a nonce whose hash does NOT meet the target (for insufficient-work tests).</summary>
    public static BlockHeader Unsolve(BlockHeader header)
    {
        var target = Target.Expand(header.Bits);
        for (ulong nonce = 0; ; nonce++)
        {
            var candidate = header.WithNonce(nonce);
            if (!Target.IsMetBy(candidate.Hash, target))
            {
                return candidate;
            }
        }
    }

    /// <summary>Mines <paramref name="count"/> empty blocks on the tip paying <paramref name="miner"/>.</summary>
    public static void Extend(Blockchain chain, Address miner, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = chain.SubmitBlock(Build(chain.Tip, miner));
            Assert.Equal(BlockStatus.Connected, result.Status);
        }
    }

    /// <summary>
    /// Mines the dev network's coinbase maturity − 1 empty blocks paying <see cref="Filler"/>, after which every
    /// coinbase mined before is in its recipient's balance (spendable by the next block).
    /// </summary>
    public static void Mature(Blockchain chain) => Extend(chain, Filler, Dev.CoinbaseMaturity - 1);

    /// <summary>What <paramref name="address"/> holds at the tip counting its immature coinbases: balance plus immature.</summary>
    public static long Holding(Blockchain chain, Address address) => chain.GetAccount(address).Balance + chain.GetImmatureBalance(address);
}
