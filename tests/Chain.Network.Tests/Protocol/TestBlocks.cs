using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Network.Tests.Protocol;

/// <summary>Dev-network blocks and transactions for protocol tests (dev difficulty: every other hash wins).</summary>
internal static class TestBlocks
{
    private static readonly Lazy<RSA[]> LazyKeys = new(() => [.. Enumerable.Range(0, 3).Select(_ => RSA.Create(2048))]);

    public static NetworkParameters Dev => NetworkParameters.Dev;

    /// <summary>Three shared wallet keys (generating RSA keys is slow).</summary>
    public static RSA Key(int i) => LazyKeys.Value[i];

    public static Address AddressOf(RSA key) => Address.FromPublicKey(key.ExportSubjectPublicKeyInfo());

    public static Transaction Transfer(RSA from, Address to, long amount, ulong nonce, long fee = 1_000) =>
        Transaction.CreateSigned(from, Dev.Magic, to, amount, fee, nonce);

    /// <summary>A solved block on <paramref name="parent"/>; fields can be overridden to break a rule.</summary>
    public static Block Build(BlockIndex parent, Address miner, IReadOnlyList<Transaction>? txs = null, Hash256? merkleRoot = null, bool solve = true, long? timestamp = null) =>
        Build(parent.Hash, parent.Height + 1, parent.Header.Timestamp + 1, Difficulty.NextBits(Dev, parent), miner, txs, merkleRoot, solve, timestamp);

    /// <summary>A solved block claiming any parent (an orphan when the parent is unknown).</summary>
    public static Block Build(Hash256 parentHash, uint height, long parentTimestamp, uint bits, Address miner, IReadOnlyList<Transaction>? txs = null, Hash256? merkleRoot = null, bool solve = true, long? timestamp = null)
    {
        txs ??= [];
        var coinbase = Transaction.CreateCoinbase(Dev.Magic, miner, Dev.BlockReward(height) + txs.Sum(t => t.Fee), height);
        var all = new List<Transaction> { coinbase };
        all.AddRange(txs);
        var header = new BlockHeader(BlockHeader.CurrentVersion, height, parentHash, merkleRoot ?? MerkleTree.ComputeRoot(all), timestamp ?? parentTimestamp + 1, bits, 0);
        return new Block(solve ? Solve(header) : Unsolve(header), all);
    }

    /// <summary>Builds <paramref name="count"/> empty blocks on the tip and submits them directly.</summary>
    public static void Extend(Blockchain chain, Address miner, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var result = chain.SubmitBlock(Build(chain.Tip, miner));
            Assert.Equal(BlockStatus.Connected, result.Status);
        }
    }

    /// <summary>
    /// Mines a block paying <paramref name="payer"/>, then the coinbase maturity − 1 empty blocks (paying nobody's
    /// key) after which its reward is in the balance, spendable by the next block and the mempool.
    /// </summary>
    public static void Fund(Blockchain chain, Address payer)
    {
        Extend(chain, payer, 1);
        Extend(chain, Address.Zero, Dev.CoinbaseMaturity - 1);
    }

    /// <summary>The first nonce whose hash meets the header's target.</summary>
    public static BlockHeader Solve(BlockHeader header) => FindNonce(header, met: true);

    /// <summary>The first nonce whose hash misses the header's target (insufficient work).</summary>
    public static BlockHeader Unsolve(BlockHeader header) => FindNonce(header, met: false);

    private static BlockHeader FindNonce(BlockHeader header, bool met)
    {
        var target = Target.Expand(header.Bits);
        for (ulong nonce = 0; ; nonce++)
        {
            var candidate = header.WithNonce(nonce);
            if (Target.IsMetBy(candidate.Hash, target) == met)
            {
                return candidate;
            }
        }
    }
}
