using Chain.Core.Crypto;

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
        if (ids.Count == 0)
        {
            return Hash256.Zero;
        }

        var level = new Hash256[ids.Count];
        for (var i = 0; i < level.Length; i++)
        {
            level[i] = ids[i];
        }

        Span<byte> pair = stackalloc byte[Hash256.Size * 2];
        var count = level.Length;
        while (count > 1)
        {
            var next = 0;
            for (var i = 0; i < count; i += 2)
            {
                if (i + 1 == count)
                {
                    level[next++] = level[i];
                    break;
                }

                level[i].WriteTo(pair);
                level[i + 1].WriteTo(pair[Hash256.Size..]);
                level[next++] = Hash256.Compute(pair);
            }

            count = next;
        }

        return level[0];
    }

    /// <summary>Computes the root of a block's transactions.</summary>
    public static Hash256 ComputeRoot(IReadOnlyList<Transaction> transactions)
    {
        var ids = new Hash256[transactions.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = transactions[i].Id;
        }

        return ComputeRoot(ids);
    }
}
