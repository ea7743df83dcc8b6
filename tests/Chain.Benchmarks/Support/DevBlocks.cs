using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Mining;

namespace Chain.Benchmarks.Support;

/// <summary>Solved dev-network blocks built without a ledger (the dev target is met by about every other hash).</summary>
internal static class DevBlocks
{
    public static NetworkParameters Network => NetworkParameters.Dev;

    /// <summary>A solved block after <paramref name="parent"/> paying reward plus fees to <paramref name="miner"/>.</summary>
    public static Block Build(BlockHeader parent, Address miner, IReadOnlyList<Transaction> txs)
    {
        var height = parent.Height + 1;
        long fees = 0;
        foreach (var tx in txs)
        {
            fees = checked(fees + tx.Fee);
        }

        var all = new List<Transaction>(txs.Count + 1)
        {
            Transaction.CreateCoinbase(Network.Magic, miner, checked(Network.BlockReward(height) + fees), height),
        };
        all.AddRange(txs);
        var header = new BlockHeader(BlockHeader.CurrentVersion, height, parent.Hash, MerkleTree.ComputeRoot(all), parent.Timestamp + 1, Network.PowLimitBits, 0);
        return new Block(Solve(header), all);
    }

    /// <summary>Finds a nonce meeting the header's own target.</summary>
    public static BlockHeader Solve(BlockHeader header)
    {
        var target = Target.ToHash(Target.Expand(header.Bits));
        var hasher = new HeaderHasher(header.Encode());
        for (ulong start = 0; ; start += 1024)
        {
            if (hasher.TrySearch(start, 1024, target, out var nonce))
            {
                return header.WithNonce(nonce);
            }
        }
    }
}
