using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// The Merkle root of a list of transaction ids: each level hashes pairs as SHA-256(left || right); an odd
/// last node is carried up unchanged (never paired with itself, so no two lists share a root by
/// duplication). The root of one id is that id; of no ids, <see cref="Hash256.Zero"/>.
/// </summary>
public static class MerkleTree
{
    /// <summary>Pairs in a level below which hashing it on several threads costs more than it saves.</summary>
    public const int ParallelPairsThreshold = 256;

    /// <summary>Computes the root of <paramref name="ids"/>.</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Hash256> ids) => ComputeRoot(ids, maxParallelism: 1);

    /// <summary>
    /// Computes the root of <paramref name="ids"/>, hashing each level of at least <see cref="ParallelPairsThreshold"/>
    /// pairs on up to <paramref name="maxParallelism"/> threads; the same root as on one thread.
    /// </summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Hash256> ids, int maxParallelism)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxParallelism);
        if (ids.Count == 0)
        {
            return Hash256.Zero;
        }

        var level = new Hash256[ids.Count];
        for (var i = 0; i < level.Length; i++)
        {
            level[i] = ids[i];
        }

        // Each level is written to its own buffer, so threads hashing pairs never overwrite one another's inputs.
        var next = new Hash256[(level.Length + 1) / 2];
        var count = level.Length;
        while (count > 1)
        {
            var pairs = count / 2;
            if (maxParallelism > 1 && pairs >= ParallelPairsThreshold)
            {
                var input = level;
                var output = next;
                var chunk = ParallelPairsThreshold / 2;
                Parallel.For(0, (pairs + chunk - 1) / chunk, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, c =>
                    HashPairs(input, output, c * chunk, Math.Min(pairs, (c + 1) * chunk)));
            }
            else
            {
                HashPairs(level, next, 0, pairs);
            }

            if (count % 2 == 1)
            {
                next[pairs] = level[count - 1];
            }

            count = (count + 1) / 2;
            (level, next) = (next, level);
        }

        return level[0];
    }

    /// <summary>Computes the root of a block's transactions.</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Transaction> transactions) => ComputeRoot(transactions, maxParallelism: 1);

    /// <summary>Computes the root of a block's transactions, large levels on up to <paramref name="maxParallelism"/> threads.</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Transaction> transactions, int maxParallelism)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var ids = new Hash256[transactions.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = transactions[i].Id;
        }

        return ComputeRoot(ids, maxParallelism);
    }

    // output[p] = SHA-256(input[2p] || input[2p + 1]) for p in [from, to).
    private static void HashPairs(Hash256[] input, Hash256[] output, int from, int to)
    {
        Span<byte> pair = stackalloc byte[Hash256.Size * 2];
        for (var p = from; p < to; p++)
        {
            input[2 * p].WriteTo(pair);
            input[(2 * p) + 1].WriteTo(pair[Hash256.Size..]);
            output[p] = Hash256.Compute(pair);
        }
    }
}
