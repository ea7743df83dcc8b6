using System.Buffers.Binary;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Network.Tests.Ledger;

// Block.DecodeParallel is what the network decodes relayed blocks with; it is checked here against the serial
// Block.Decode it must match exactly.
public class BlockDecodeParallelTests
{
    public static TheoryData<int> Counts => [0, 1, 2, Block.ParallelDecodeThreshold - 1, Block.ParallelDecodeThreshold, Block.ParallelDecodeThreshold + 1, 300, 1_001];

    [Theory]
    [MemberData(nameof(Counts))]
    public void DecodeParallel_RandomBlock_SameAsSerialDecode(int transfers)
    {
        var encoded = RandomBlock(transfers, seed: transfers).Encode();

        var serial = Block.Decode(encoded);
        var parallel = Block.DecodeParallel(encoded);

        Assert.Equal(serial.Hash, parallel.Hash);
        Assert.Equal(encoded, parallel.Encode());
        Assert.Equal(serial.Transactions.Count, parallel.Transactions.Count);
        for (var i = 0; i < serial.Transactions.Count; i++)
        {
            var (s, p) = (serial.Transactions[i], parallel.Transactions[i]);
            Assert.Equal(s.Id, p.Id);
            Assert.Equal(s.Sender, p.Sender);
            Assert.Equal(s.Recipient, p.Recipient);
            Assert.Equal((s.Network, s.Amount, s.Fee, s.Nonce), (p.Network, p.Amount, p.Fee, p.Nonce));
            Assert.Equal(s.SenderPublicKey, p.SenderPublicKey);
            Assert.Equal(s.Signature, p.Signature);
        }
    }

    [Fact]
    public void DecodeParallel_MalformedLargeBlocks_SameExceptionAsSerialDecode()
    {
        var block = RandomBlock(400, seed: 7);
        var encoded = block.Encode();
        var offsets = TransactionOffsets(encoded);
        var cases = new List<byte[]>();

        // Cut short at many places, including inside the header, a length and a transaction.
        for (var cut = 0; cut < encoded.Length; cut += 997)
        {
            cases.Add(encoded[..cut]);
        }

        cases.Add([.. encoded, 0]); // a trailing byte
        foreach (var index in new[] { 0, 1, 150, 399, 400 })
        {
            var badVersion = (byte[])encoded.Clone();
            badVersion[offsets[index]] = 9;
            cases.Add(badVersion);

            var tooLong = (byte[])encoded.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(tooLong.AsSpan(offsets[index] - 4), Transaction.MaxEncodedSize + 1);
            cases.Add(tooLong);

            var shortLength = (byte[])encoded.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(shortLength.AsSpan(offsets[index] - 4), 10);
            cases.Add(shortLength);
        }

        // A bad transaction early and a truncation later: the serial decode reports the first.
        var both = (byte[])encoded.Clone();
        both[offsets[3]] = 9;
        cases.Add(both[..^5]);

        var tooMany = (byte[])encoded.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(tooMany.AsSpan(BlockHeader.Size), 1_000_000);
        cases.Add(tooMany);

        foreach (var data in cases)
        {
            var serial = Assert.Throws<FormatException>(() => Block.Decode(data));
            var parallel = Assert.Throws<FormatException>(() => Block.DecodeParallel(data));
            Assert.Equal(serial.Message, parallel.Message);
        }
    }

    // Start of each transaction's encoding (after its length).
    private static int[] TransactionOffsets(byte[] encoded)
    {
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(BlockHeader.Size));
        var offsets = new int[count];
        var position = BlockHeader.Size + 4;
        for (var i = 0; i < count; i++)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(position));
            offsets[i] = position + 4;
            position += 4 + length;
        }

        return offsets;
    }

    // Transfers with random keys, signatures and fields (decoding checks no signature), after a coinbase.
    internal static Block RandomBlock(int transfers, int seed)
    {
        var random = new Random(seed);
        byte[] Bytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        var txs = new List<Transaction> { Transaction.CreateCoinbase(1, new Address(Bytes(Address.Size)), 50, 7) };
        for (var i = 0; i < transfers; i++)
        {
            txs.Add(Transaction.FromParts(
                (uint)random.Next(),
                Bytes(random.Next(1, Transaction.MaxPublicKeySize / 2)),
                new Address(Bytes(Address.Size)),
                random.NextInt64(),
                random.NextInt64(),
                (ulong)random.NextInt64(),
                Bytes(random.Next(0, Transaction.MaxSignatureSize / 2))));
        }

        var header = new BlockHeader(BlockHeader.CurrentVersion, 7, new Hash256(Bytes(Hash256.Size)), MerkleTree.ComputeRoot(txs), 1_700_000_000, 0x207fffff, (ulong)random.NextInt64());
        return new Block(header, txs);
    }
}
