using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Tests.Encoding;

/// <summary>The test vectors of src/Chain.Core/ENCODING.md; another implementation must reproduce them byte for byte.</summary>
public class CanonicalEncodingVectorTests
{
    private const uint DevMagic = 0x5645_4400;
    private static readonly Address Recipient = Address.Parse("00112233445566778899aabbccddeeff00112233");

    [Fact]
    public void Coinbase_Vector_SigningBytesEncodingAndId()
    {
        var coinbase = Transaction.CreateCoinbase(DevMagic, Recipient, 5_000_000_000, 7);

        Assert.Equal(
            "01" + "00444556" + "0000" + "00112233445566778899aabbccddeeff00112233" + "00f2052a01000000" + "0000000000000000" + "0700000000000000",
            Convert.ToHexStringLower(coinbase.GetSigningBytes()));
        Assert.Equal(Convert.ToHexStringLower(coinbase.GetSigningBytes()) + "0000", Convert.ToHexStringLower(coinbase.Encode()));
        Assert.Equal("0a65ec929ae8a2eca0b5ae1d07d0aad7cdacb3ba66652a274eae421d09136867", coinbase.Id.ToString());
        Assert.True(coinbase.IsCoinbase);
        Assert.Equal(Address.Zero, coinbase.Sender);
    }

    [Fact]
    public void Transfer_Vector_SigningBytesEncodingIdAndSender()
    {
        byte[] key = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7];
        byte[] signature = [0xf0, 0xf1, 0xf2, 0xf3];
        var tx = Transaction.FromParts(DevMagic, key, Recipient, 1_250_000_000, 1_000, 3, signature);

        const string Signing = "01" + "00444556" + "0800" + "a0a1a2a3a4a5a6a7" + "00112233445566778899aabbccddeeff00112233"
            + "807c814a00000000" + "e803000000000000" + "0300000000000000";
        Assert.Equal(Signing, Convert.ToHexStringLower(tx.GetSigningBytes()));
        Assert.Equal(Signing + "0400" + "f0f1f2f3", Convert.ToHexStringLower(tx.Encode()));
        Assert.Equal("e209c57d51fb5031b45cbf95d7e771db860bdd5f976766428778b97a7548f2f9", tx.Id.ToString());
        Assert.Equal("ebaeb334608f2c327073263eb7ea23a4ace2aa98", tx.Sender.ToString());
        Assert.Equal(tx.Encode().Length, tx.EncodedSize);
        Assert.Equal(tx.GetSigningBytes().Length, tx.SigningSize);
    }

    [Fact]
    public void Header_Vector_92BytesAndHash()
    {
        var header = new BlockHeader(
            1,
            5,
            Hash256.Parse(new string('1', 64)),
            Hash256.Parse(new string('2', 64)),
            1_767_225_900,
            0x207fffff,
            0x0102030405060708);

        var bytes = header.Encode();

        Assert.Equal(BlockHeader.Size, bytes.Length);
        Assert.Equal(
            "01000000" + "05000000" + new string('1', 64) + new string('2', 64) + "2cba556900000000" + "ffff7f20" + "0807060504030201",
            Convert.ToHexStringLower(bytes));
        Assert.Equal("f4d82a064e6b1f9a73375902cdce661c852cf324587e1d828181515cafe9d35d", header.Hash.ToString());
        Assert.Equal(0x2c, bytes[BlockHeader.TimestampOffset]);
        Assert.Equal(0x08, bytes[BlockHeader.NonceOffset]);
    }

    [Fact]
    public void Block_Vector_HeaderCountLengthPrefixedTransactions()
    {
        var coinbase = Transaction.CreateCoinbase(DevMagic, Recipient, 5_000_000_000, 7);
        var header = new BlockHeader(1, 7, Hash256.Zero, MerkleTree.ComputeRoot([coinbase]), 1_767_225_607, 0x207fffff, 0);
        var block = new Block(header, [coinbase]);

        Assert.Equal(
            Convert.ToHexStringLower(header.Encode()) + "01000000" + "35000000" + Convert.ToHexStringLower(coinbase.Encode()),
            Convert.ToHexStringLower(block.Encode()));
        Assert.Equal(block.Encode().Length, block.EncodedSize);
        Assert.Equal(
            "010000000700000000000000000000000000000000000000000000000000000000000000000000000a65ec929ae8a2eca0b5ae1d07d0aad7cdacb3ba66652a274eae421d0913686707b9556900000000ffff7f20000000000000000001000000350000000100444556000000112233445566778899aabbccddeeff0011223300f2052a01000000000000000000000007000000000000000000",
            Convert.ToHexStringLower(block.Encode()));
        Assert.Equal("921ee4285b2587ce74043655654e10e0dcd942f4feaaf925cc186dc0279ff1ac", block.Hash.ToString());
        Assert.Equal(block.Hash, Block.Decode(Convert.FromHexString("010000000700000000000000000000000000000000000000000000000000000000000000000000000a65ec929ae8a2eca0b5ae1d07d0aad7cdacb3ba66652a274eae421d0913686707b9556900000000ffff7f20000000000000000001000000350000000100444556000000112233445566778899aabbccddeeff0011223300f2052a01000000000000000000000007000000000000000000")).Hash);
    }

    [Fact]
    public void DevGenesis_Vector_FullEncoding()
    {
        const string Expected = "01000000" + "00000000" + "0000000000000000000000000000000000000000000000000000000000000000"
            + "ca6e47476805b059b28e14ac223e9871ca95ec822740a886b57627e30d6468f2" + "00b9556900000000" + "ffff7f20" + "0000000000000000"
            + "01000000" + "35000000"
            + "01" + "00444556" + "0000" + "0000000000000000000000000000000000000000" + "0000000000000000" + "0000000000000000" + "0000000000000000" + "0000";

        Assert.Equal(Expected, Convert.ToHexStringLower(NetworkParameters.Dev.Genesis.Encode()));
    }

    [Theory]
    [InlineData(0, "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData(1, "4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a")]
    [InlineData(2, "42dbeeb4eb5d41bbdc93732c6a87ab3241ee03f44a0780a52ddf831f5fd88b53")]
    [InlineData(3, "b686e400cdd8ee0c41ceb1c4338a4854dc179acc088240b9b8366406dbfbb74c")]
    [InlineData(5, "b5b9eebca44bc25cb70a93407caabe4cfedb11818e33a2e5c4c08d2afdfbaa5e")]
    public void MerkleRoot_Vector_OfIdsSha256OfOneByte(int count, string expected)
    {
        // id_i = SHA-256 of the single byte i, for i = 1..count.
        var ids = Enumerable.Range(1, count).Select(i => Hash256.Compute([(byte)i])).ToArray();

        Assert.Equal(expected, MerkleTree.ComputeRoot(ids).ToString());
    }

    [Fact]
    public void MerkleRoot_OddLast_CarriedUpNotDuplicated()
    {
        var ids = Enumerable.Range(1, 3).Select(i => Hash256.Compute([(byte)i])).ToArray();
        var left = Pair(ids[0], ids[1]);

        Assert.Equal(Pair(left, ids[2]), MerkleTree.ComputeRoot(ids));
        Assert.NotEqual(MerkleTree.ComputeRoot([ids[0], ids[1], ids[2], ids[2]]), MerkleTree.ComputeRoot(ids));
        Assert.Equal("4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a", ids[0].ToString());
    }

    private static Hash256 Pair(Hash256 left, Hash256 right) => Hash256.Compute([.. left.ToArray(), .. right.ToArray()]);
}
