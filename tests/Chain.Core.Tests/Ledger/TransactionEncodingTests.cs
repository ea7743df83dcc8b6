using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Tests.TestSupport;
using CsCheck;

namespace Chain.Core.Tests.Ledger;

public class TransactionEncodingTests
{
    /// <summary>Transactions with arbitrary field values, within the decoder's length limits.</summary>
    internal static readonly Gen<Transaction> AnyTransaction =
        Gen.Select(
            Gen.UInt,
            Gen.Byte.Array[0, 300],
            Gen.Byte.Array[Address.Size],
            Gen.Long,
            Gen.Long,
            Gen.ULong,
            Gen.Byte.Array[0, 300],
            (network, key, recipient, amount, fee, nonce, signature) =>
                Transaction.FromParts(network, key, new Address(recipient), amount, fee, nonce, signature));

    [Fact]
    public void Decode_EncodedRandomTransaction_SameFieldsAndBytes()
    {
        AnyTransaction.Sample(tx =>
        {
            var bytes = tx.Encode();
            var decoded = Transaction.Decode(bytes);

            Assert.Equal(tx.Network, decoded.Network);
            Assert.Equal(tx.SenderPublicKey, decoded.SenderPublicKey);
            Assert.Equal(tx.Recipient, decoded.Recipient);
            Assert.Equal(tx.Amount, decoded.Amount);
            Assert.Equal(tx.Fee, decoded.Fee);
            Assert.Equal(tx.Nonce, decoded.Nonce);
            Assert.Equal(tx.Signature, decoded.Signature);
            Assert.Equal(bytes, decoded.Encode());
            Assert.Equal(bytes.Length, tx.EncodedSize);
        });
    }

    [Fact]
    public void Id_ReencodedAndDecoded_Stable()
    {
        AnyTransaction.Sample(tx =>
        {
            var again = Transaction.Decode(Transaction.Decode(tx.Encode()).Encode());

            Assert.Equal(tx.Id, again.Id);
            Assert.Equal(Hash256.Compute(tx.GetSigningBytes()), tx.Id);
        });
    }

    [Fact]
    public void Id_OtherSignatureBytes_SameId()
    {
        Gen.Select(AnyTransaction, Gen.Byte.Array[0, 300]).Sample((tx, signature) =>
        {
            var resigned = Transaction.FromParts(tx.Network, tx.SenderPublicKey, tx.Recipient, tx.Amount, tx.Fee, tx.Nonce, signature);

            Assert.Equal(tx.Id, resigned.Id);
        });
    }

    [Fact]
    public void WithSignature_SecondSignatureBySameKey_DifferentSignatureSameIdBothVerify()
    {
        var key = TestChain.Key(0);
        var first = TestChain.Transfer(key, Address.Zero, 1, nonce: 0);

        var second = first.WithSignature(key);

        Assert.NotEqual(first.Signature, second.Signature); // PSS salts are random
        Assert.Equal(first.Id, second.Id);
        Assert.True(first.VerifySignature());
        Assert.True(second.VerifySignature());
        Assert.NotEqual(first.Encode(), second.Encode());
    }

    [Fact]
    public void SubmitTransaction_SecondSignatureOfPendingTransaction_Duplicate()
    {
        var key = TestChain.Key(0);
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, TestChain.AddressOf(key), 1);
        TestChain.Mature(chain);
        var first = TestChain.Transfer(key, Address.Zero, Money.UnitsPerCoin, nonce: 0);
        var second = first.WithSignature(key);
        Assert.True(chain.SubmitTransaction(first).IsValid);

        Assert.Equal(TxError.Duplicate, chain.SubmitTransaction(second).Error);
        Assert.Equal(1, chain.MempoolCount);
    }

    [Fact]
    public void SubmitBlock_HoldsOtherSignatureOfPendingTransaction_MempoolDropsIt()
    {
        var key = TestChain.Key(0);
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, TestChain.AddressOf(key), 1);
        TestChain.Mature(chain);
        var first = TestChain.Transfer(key, Address.Zero, Money.UnitsPerCoin, nonce: 0);
        var second = first.WithSignature(key);
        Assert.True(chain.SubmitTransaction(first).IsValid);

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(TestChain.Build(chain.Tip, Address.Zero, [second])).Status);

        Assert.Equal(0, chain.MempoolCount);
        Assert.True(chain.KnowsTransaction(first.Id));
        Assert.Equal(second.Signature, chain.FindTransaction(first.Id)!.Value.Tx.Signature);
        Assert.Equal(TxError.Duplicate, chain.SubmitTransaction(first).Error);
    }

    [Fact]
    public void SubmitBlock_OtherSignatureInvalid_BadTransactionDespiteCachedValidOne()
    {
        var key = TestChain.Key(0);
        var chain = TestChain.NewChain();
        TestChain.Extend(chain, TestChain.AddressOf(key), 1);
        TestChain.Mature(chain);
        var valid = TestChain.Transfer(key, Address.Zero, Money.UnitsPerCoin, nonce: 0);
        Assert.True(chain.SubmitTransaction(valid).IsValid);
        var forged = Transaction.FromParts(valid.Network, valid.SenderPublicKey, valid.Recipient, valid.Amount, valid.Fee, valid.Nonce, new byte[RsaPss.SignatureSize]);

        Assert.Equal(BlockError.BadTransaction, chain.SubmitBlock(TestChain.Build(chain.Tip, Address.Zero, [forged])).Error);
    }

    [Fact]
    public void Decode_RandomBytes_OnlyFormatException()
    {
        Gen.Byte.Array[0, 1_100].Sample(bytes => AssertDecodesOrFormatException(bytes), iter: 20_000);
    }

    [Fact]
    public void Decode_MutatedEncoding_OnlyFormatException()
    {
        Gen.Select(AnyTransaction, Gen.Int, Gen.Byte, Gen.Int[0, 3]).Sample((tx, position, value, kind) =>
        {
            var bytes = tx.Encode().ToList();
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

            AssertDecodesOrFormatException([.. bytes]);
        }, iter: 20_000);
    }

    [Fact]
    public void Decode_TrailingByte_FormatException()
    {
        var bytes = Transaction.CreateCoinbase(1, Address.Zero, 1, 1).Encode();

        Assert.Throws<FormatException>(() => Transaction.Decode([.. bytes, 0]));
        Assert.Throws<FormatException>(() => Transaction.Decode(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Fact]
    public void Decode_UnknownVersionOrTooLong_FormatException()
    {
        var bytes = Transaction.CreateCoinbase(1, Address.Zero, 1, 1).Encode();
        bytes[0] = 2;

        Assert.Throws<FormatException>(() => Transaction.Decode(bytes));
        Assert.Throws<FormatException>(() => Transaction.Decode(new byte[Transaction.MaxEncodedSize + 1]));
    }

    private static void AssertDecodesOrFormatException(byte[] bytes)
    {
        try
        {
            var tx = Transaction.Decode(bytes);
            Assert.Equal(bytes, tx.Encode());
        }
        catch (FormatException)
        {
        }
    }

    [Fact]
    public void Sender_ReadByManyThreadsAtOnce_EveryReadIsTheKeysAddress()
    {
        // Fresh decodes, so every thread races to derive the address first; none may see a partly written one. A smoke
        // test: x64's strong store order would hide the old unordered write too; the guarantee (value first, then the
        // flag with release semantics, read with acquire) is by construction.
        var keys = Enumerable.Range(0, 64).Select(i => RandomNumberGenerator.GetBytes(100 + i)).ToList();
        var encoded = keys.ConvertAll(key => Transaction.FromParts(1, key, Address.Zero, 1, 1, 1, [1]).Encode());
        for (var round = 0; round < 50; round++)
        {
            var txs = encoded.ConvertAll(bytes => Transaction.Decode(bytes));
            using var start = new Barrier(4);
            var seen = new Address[4][];
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                seen[t] = txs.ConvertAll(tx => tx.Sender).ToArray();
            })).ToList();
            threads.ForEach(thread => thread.Start());
            threads.ForEach(thread => thread.Join());

            for (var t = 0; t < 4; t++)
            {
                Assert.Equal(keys.ConvertAll(key => Address.FromPublicKey(key)), seen[t]);
            }
        }
    }
}
