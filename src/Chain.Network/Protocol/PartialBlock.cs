using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Network.Protocol;

/// <summary>A compact block being rebuilt: its header, coinbase, transaction ids, and the transactions found so far.</summary>
internal sealed class PartialBlock(BlockHeader header, Transaction coinbase, List<Hash256> ids, Transaction?[] txs)
{
    public BlockHeader Header { get; } = header;

    public Transaction Coinbase { get; } = coinbase;

    /// <summary>Ids of the transactions after the coinbase, in block order.</summary>
    public List<Hash256> Ids { get; } = ids;

    /// <summary>The transactions after the coinbase; null where still missing.</summary>
    public Transaction?[] Txs { get; } = txs;

    /// <summary>Ids still missing.</summary>
    public List<Hash256> Missing() => [.. Ids.Where((_, i) => Txs[i] is null)];

    /// <summary>The whole block, or null while a transaction is missing.</summary>
    public Block? TryBuild()
    {
        var all = new List<Transaction>(Txs.Length + 1) { Coinbase };
        foreach (var tx in Txs)
        {
            if (tx is null)
            {
                return null;
            }

            all.Add(tx);
        }

        return new Block(Header, all);
    }
}
