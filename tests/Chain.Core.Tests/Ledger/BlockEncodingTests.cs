using Chain.Core.Crypto;
using Chain.Core.Ledger;
using CsCheck;

namespace Chain.Core.Tests.Ledger;

public class BlockEncodingTests
{
    private static readonly Gen<BlockHeader> AnyHeader =
        Gen.Select(Gen.UInt, Gen.UInt, Gen.Byte.Array[32], Gen.Byte.Array[32], Gen.Long, Gen.UInt, Gen.ULong,
            (version, height, previous, merkle, timestamp, bits, nonce) =>
                new BlockHeader(version, height, new Hash256(previous), new Hash256(merkle), timestamp, bits, nonce));

    private static readonly Gen<Block> AnyBlock =
        Gen.Select(AnyHeader, TransactionEncodingTests.AnyTransaction.List[0, 6], (header, txs) => new Block(header, txs));

    [Fact]
    public void Decode_EncodedRandomBlock_SameHeaderAndTransactions()
    {
        AnyBlock.Sample(block =>
        {
            var bytes = block.Encode();
            var decoded = Block.Decode(bytes);

            Assert.Equal(block.Hash, decoded.Hash);
            Assert.Equal(block.Header.Encode(), decoded.Header.Encode());
            Assert.Equal(block.Transactions.Select(t => t.Id), decoded.Transactions.Select(t => t.Id));
            Assert.Equal(bytes, decoded.Encode());
            Assert.Equal(bytes.Length, block.EncodedSize);
        });
    }

    [Fact]
    public void Decode_ManyTransfersFromFewKeys_EachAsDecodedAloneAndSendersShareTheirKey()
    {
        // Enough transfers of one length for the ids' and senders' batched hashing, from a few keys, with a
        // coinbase and transfers of other key lengths among them.
        var random = new Random(5);
        byte[] Bytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        var keys = new[] { Bytes(294), Bytes(294), Bytes(294), Bytes(100), Bytes(294) };
        var txs = new List<Transaction> { Transaction.CreateCoinbase(1, new Address(Bytes(Address.Size)), 50, 7) };
        for (var i = 0; i < 500; i++)
        {
            // Each key's bytes given as a fresh copy, as a decoded transaction would hold them.
            txs.Add(Transaction.FromParts(1, (byte[])keys[i % keys.Length].Clone(), new Address(Bytes(Address.Size)), i, 1, (ulong)i, Bytes(256)));
        }

        var block = new Block(new BlockHeader(BlockHeader.CurrentVersion, 7, Hash256.Zero, MerkleTree.ComputeRoot(txs), 1_700_000_000, 0x207fffff, 0), txs);
        var bytes = block.Encode();

        foreach (var decoded in new[] { Block.Decode(bytes), Block.DecodeParallel(bytes) })
        {
            Assert.Equal(bytes, decoded.Encode());
            for (var i = 0; i < txs.Count; i++)
            {
                var alone = Transaction.Decode(txs[i].Encode());
                Assert.Equal(txs[i].Id, decoded.Transactions[i].Id);
                Assert.Equal(alone.Id, decoded.Transactions[i].Id);
                Assert.Equal(txs[i].IsCoinbase ? Address.Zero : Address.FromPublicKey(txs[i].SenderPublicKey), decoded.Transactions[i].Sender);
                Assert.Equal(txs[i].Signature, decoded.Transactions[i].Signature);
            }

            // One key, one copy: the transfers of a sender share it.
            Assert.Same(decoded.Transactions[1].SenderPublicKey, decoded.Transactions[1 + keys.Length].SenderPublicKey);
            Assert.NotSame(decoded.Transactions[1].SenderPublicKey, decoded.Transactions[2].SenderPublicKey);
        }
    }

    [Fact]
    public void EncodeIntoSpan_RandomBlock_SameBytesAsEncodeAndNothingPastThem()
    {
        AnyBlock.Sample(block =>
        {
            var expected = block.Encode();
            var destination = new byte[expected.Length + 5];
            destination.AsSpan().Fill(0xA5);

            var written = block.Encode(destination);

            Assert.Equal(expected.Length, written);
            Assert.Equal(expected, destination[..written]);
            Assert.All(destination[written..], b => Assert.Equal(0xA5, b));
            Assert.Throws<ArgumentException>(() => block.Encode(new byte[expected.Length - 1]));
        });
    }

    [Fact]
    public void DecodeHeader_EncodedRandomHeader_SameFieldsAndHash()
    {
        AnyHeader.Sample(header =>
        {
            var decoded = BlockHeader.Decode(header.Encode());

            Assert.Equal(header.Version, decoded.Version);
            Assert.Equal(header.Height, decoded.Height);
            Assert.Equal(header.PreviousHash, decoded.PreviousHash);
            Assert.Equal(header.MerkleRoot, decoded.MerkleRoot);
            Assert.Equal(header.Timestamp, decoded.Timestamp);
            Assert.Equal(header.Bits, decoded.Bits);
            Assert.Equal(header.Nonce, decoded.Nonce);
            Assert.Equal(header.Hash, decoded.Hash);
            Assert.Equal(Hash256.Compute(header.Encode()), header.Hash);
        });
    }

    [Fact]
    public void WithNonce_OtherNonce_OnlyNonceAndHashChange()
    {
        AnyHeader.Sample(header =>
        {
            var other = header.WithNonce(header.Nonce + 1);

            Assert.Equal(header.Encode().AsSpan(0, BlockHeader.NonceOffset).ToArray(), other.Encode().AsSpan(0, BlockHeader.NonceOffset).ToArray());
            Assert.NotEqual(header.Hash, other.Hash);
        });
    }

    [Fact]
    public void Decode_RandomBytes_OnlyFormatException()
    {
        Gen.Byte.Array[0, 2_000].Sample(bytes =>
        {
            AssertOnlyFormatException(() => Block.Decode(bytes));
            AssertOnlyFormatException(() => BlockHeader.Decode(bytes));
        }, iter: 20_000);
    }

    [Fact]
    public void Decode_MutatedEncoding_OnlyFormatException()
    {
        Gen.Select(AnyBlock, Gen.Int, Gen.Byte, Gen.Int[0, 3]).Sample((block, position, value, kind) =>
        {
            var bytes = block.Encode().ToList();
            var at = (int)((uint)position % (uint)bytes.Count);
            switch (kind)
            {
                case 0:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.Insert(at, value);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }

            AssertOnlyFormatException(() => Block.Decode([.. bytes]));
        }, iter: 5_000);
    }

    [Fact]
    public void Decode_CountLargerThanDataCanHold_FormatExceptionWithoutAllocating()
    {
        var bytes = new byte[BlockHeader.Size + 4 + 4];
        BitConverter.TryWriteBytes(bytes.AsSpan(BlockHeader.Size), uint.MaxValue);

        Assert.Throws<FormatException>(() => Block.Decode(bytes));
        Assert.Throws<FormatException>(() => Block.Decode(new byte[Block.MaxEncodedSize + 1]));
    }

    private static void AssertOnlyFormatException(Action decode)
    {
        try
        {
            decode();
        }
        catch (FormatException)
        {
        }
    }
}
