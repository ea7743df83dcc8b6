using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Tests.Persistence;

/// <summary>Blocks of real signed transactions; RSA keys are slow to make, so two are made once and shared.</summary>
internal static class TestBlocks
{
    private static readonly Lazy<IReadOnlyList<Transaction>> Signed = new(CreateSigned);

    public static uint Network => NetworkParameters.Dev.Magic;

    public static IReadOnlyList<Transaction> SignedTransactions => Signed.Value;

    /// <summary>A chain of <paramref name="count"/> linked blocks; block i holds a coinbase and i % 4 signed transfers.</summary>
    public static List<Block> Chain(int count, int signedPerBlockCap = 3)
    {
        var blocks = new List<Block>(count);
        var previous = Hash256.Zero;
        for (var i = 0; i < count; i++)
        {
            var block = Create((uint)i, previous, Math.Min(i % 4, signedPerBlockCap));
            blocks.Add(block);
            previous = block.Hash;
        }

        return blocks;
    }

    public static Block Create(uint height, Hash256 previous, int signedCount)
    {
        var transactions = new List<Transaction> { Transaction.CreateCoinbase(Network, Address.Zero, 50 * Money.UnitsPerCoin, height) };
        for (var j = 0; j < signedCount; j++)
        {
            transactions.Add(SignedTransactions[(int)((height + j) % SignedTransactions.Count)]);
        }

        var header = new BlockHeader(
            BlockHeader.CurrentVersion, height, previous, MerkleTree.ComputeRoot(transactions), 1_767_225_600 + height, 0x207f_ffff, height);
        return new Block(header, transactions);
    }

    /// <summary>The bytes a block file holding <paramref name="blocks"/> has, and where each record ends.</summary>
    public static (byte[] File, long[] Ends) FileOf(IEnumerable<Block> blocks)
    {
        using var stream = new MemoryStream();
        var ends = new List<long>();
        foreach (var block in blocks)
        {
            stream.Write(Core.Persistence.BlockFile.EncodeRecord(block));
            ends.Add(stream.Length);
        }

        return (stream.ToArray(), ends.ToArray());
    }

    private static List<Transaction> CreateSigned()
    {
        using var alice = RSA.Create(2048);
        using var bob = RSA.Create(2048);
        var aliceAddress = Address.FromPublicKey(alice.ExportSubjectPublicKeyInfo());
        var bobAddress = Address.FromPublicKey(bob.ExportSubjectPublicKeyInfo());
        var transactions = new List<Transaction>();
        for (var nonce = 0UL; nonce < 4; nonce++)
        {
            transactions.Add(Transaction.CreateSigned(alice, Network, bobAddress, 1_000 + (long)nonce, 1_000, nonce));
            transactions.Add(Transaction.CreateSigned(bob, Network, aliceAddress, 2_000 + (long)nonce, 1_500, nonce));
        }

        return transactions;
    }
}
