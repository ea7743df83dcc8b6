using Chain.Core.Ledger;

namespace Chain.Benchmarks.Quick;

/// <summary>
/// Managed memory a ledger holds per transaction (blocks, transactions, indexes), measured with
/// <see cref="GC.GetTotalMemory(bool)"/> around loading the chain from its encoded blocks, against the
/// transactions' mean canonical encoded size.
/// </summary>
internal static class MemoryFigures
{
    public static void Run(Report report, List<Block> blocks)
    {
        var encoded = blocks.Select(b => b.Encode()).ToList();
        var transactions = blocks.Sum(b => b.Transactions.Count - 1);
        var canonical = blocks.SelectMany(b => b.Transactions.Skip(1)).Average(t => (double)t.EncodedSize);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        if (chain.Load(encoded.Select(e => Block.Decode(e))) != 0)
        {
            throw new InvalidOperationException("The chain did not reload.");
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(chain);
        GC.KeepAlive(encoded);
        var perTx = (after - before) / (double)transactions;
        report.Add("mem.bytes_per_tx", perTx, "bytes");
        report.Add("mem.canonical_bytes_per_tx", canonical, "bytes");
        report.Add("mem.ratio_to_canonical", perTx / canonical, "x");
    }
}
