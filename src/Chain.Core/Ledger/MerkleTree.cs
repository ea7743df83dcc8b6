using System.Runtime.Intrinsics;
using Chain.Core.Crypto;
using Chain.Core.Mining;

namespace Chain.Core.Ledger;

/// <summary>
/// The Merkle root of a list of transaction ids: each level hashes pairs as SHA-256(left || right); an odd
/// last node is carried up unchanged (never paired with itself, so no two lists share a root by
/// duplication). The root of one id is that id; of no ids, <see cref="Hash256.Zero"/>.
/// </summary>
public static class MerkleTree
{
    /// <summary>Computes the root of <paramref name="ids"/>.</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Hash256> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Hash256.Zero;
        }

        var level = new Hash256[ids.Count];
        for (var i = 0; i < level.Length; i++)
        {
            level[i] = ids[i];
        }

        // Each level overwrites the front of the one below: pair p reads slots 2p and 2p + 1, which no earlier
        // batch wrote (a batch of n pairs writes slots below n and reads slots from 2 x its first pair onwards).
        var count = level.Length;
        var path = HeaderHasher.BestPath;
        while (count > 1)
        {
            var pairs = count / 2;
            HashPairs(level.AsSpan(0, 2 * pairs), level.AsSpan(0, pairs), path);
            if (count % 2 == 1)
            {
                level[pairs] = level[count - 1];
            }

            count = (count + 1) / 2;
        }

        return level[0];
    }

    /// <summary>Computes the root of a block's transactions.</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Transaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var ids = new Hash256[transactions.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = transactions[i].Id;
        }

        return ComputeRoot(ids);
    }

    /// <summary>
    /// output[p] = SHA-256(input[2p] || input[2p + 1]) on <paramref name="path"/>'s lanes (16 pairs at a time with
    /// AVX-512, against one <see cref="Hash256.Compute"/> of 64 bytes per pair: ~0.5 us each through the platform).
    /// </summary>
    internal static void HashPairs(ReadOnlySpan<Hash256> input, Span<Hash256> output, HeaderHashPath path)
    {
        switch (path)
        {
            case HeaderHashPath.Vector512:
                PairHashKernel<Vector512<uint>, Vector512LaneOps>.HashPairs(input, output);
                break;
            case HeaderHashPath.Vector256:
                PairHashKernel<Vector256<uint>, Vector256LaneOps>.HashPairs(input, output);
                break;
            default:
                PairHashKernel<uint, ScalarLaneOps>.HashPairs(input, output);
                break;
        }
    }
}
