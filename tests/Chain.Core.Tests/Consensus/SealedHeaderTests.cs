using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Tests.TestSupport;

namespace Chain.Core.Tests.Consensus;

public sealed class SealedHeaderTests
{
    // ENCODING.md, "Sealed header": height 1, previous SHA-256("parent"), Merkle root SHA-256("merkle"), timestamp
    // 1767225605, difficulty 2, a vote to add the address of fixed key 1, no signer list, sealed by fixed key 0.
    private const string VectorHex =
        "0001000001000000e47125968b3b71049fbc4802d1e40a71ea1359decfabacf70b34588037d4ff0c7975edd9e7393c229e744913fe0d0bb86fb4cf46906e2e51152137e20ad1559005b9556900000000020000000000000000000000010ee3e8b084cd19e45df773ae513f15b38a0dfc4600260130820122300d06092a864886f70d01010105000382010f003082010a0282010100c09e4dca40ac2f70721b7a78a6de173c17c0f0ce97752ea8a5d50b51c0973d4711ef2f42ff7f2a82d5636380363ace364c41f72175ce6146d61fb824343cc6c979a515a45118b8195469004acb97dc87049887b10ac85de4062bd8d1fecb651ee695443eaa9eb389d10dd2d7539ba271aefd4dcd2e01a0cd770cf57084c85523e6e078893559268761286b655641995d2c5406e6544e858c3f3a705b9380243c9ddcdf19d8ed44e4e2aa367a3f4ccf3323688f247f7e967c897248c2f61de90aaf62452bc54f6110304dd05aacb8781980e09e9c40584c99507a6a6113db70c6e0fa48756ab4f90bf4a582e4d84229d084b50b39621cb0acd29bace637ad452b02030100010001b0c03cb65b07e2382d1b834fdcfc6ff9740ea5c6d79f4aabb253d52fc102772a817eca85d9fea19a4739795cd47d918ad09fec71ab29484330bfd4f56bc4f81b2f38294dca521e3cbe0fc00c4f2310456a8179c48599a6edd3039240862f83c041a5da1450739dbf4711abca4a9b9a34f51b3c5c790dbd79af2308bc5dd1f2392832ac3f46c9bbc29f91ea41225fe8107a8de4b922005d6bde88ec6efe06c7f6fe51ad76630f00e16f6a45ee5be7c5e48b9181f15f2a8dd5340329d71ffbde56f50872b1e00e2784023199acdfb8356e2bc1c5d65cea9a7d8c7caec44142b89e98cfbabb2c8f7074f4efb2d3385cec6aa76b91e7787aa039d010add1f3a45764";

    [Fact]
    public void Decode_Vector_FieldsHashesAndSealAsDocumented()
    {
        var bytes = Convert.FromHexString(VectorHex);

        var header = BlockHeader.Decode(bytes);

        Assert.True(header.IsSealed);
        Assert.Equal(668, bytes.Length);
        Assert.Equal(1u, header.Height);
        Assert.Equal(Hash256.Compute("parent"u8), header.PreviousHash);
        Assert.Equal(Hash256.Compute("merkle"u8), header.MerkleRoot);
        Assert.Equal(1_767_225_605, header.Timestamp);
        Assert.Equal(PoaEngine.DifficultyInTurn, header.Bits);
        Assert.Equal(new SignerVote(TestChain.AddressOf(FixedKeys.Load(1)), VoteKind.Add), header.Vote);
        Assert.Empty(header.Signers);
        Assert.Equal(FixedKeys.Load(0).ExportSubjectPublicKeyInfo(), header.SignerKey);
        Assert.Equal(Address.Parse("32817e3ec0f5fe3173d37b35b9ccbfa4c9207851"), header.Signer);
        Assert.Equal(Hash256.Parse("a87bb7cbba2f815146986d18dc05d078a337a6d5b9adda9ace540319177a2547"), header.SealHash);
        Assert.Equal(Hash256.Parse("4cae22db03866ac72ae9503687abe181368265722f7b1da233279842118b575b"), header.Hash);
        Assert.Equal(Hash256.Compute(bytes), header.Hash);
        Assert.Equal(Hash256.Compute(bytes.AsSpan(0, bytes.Length - 2 - RsaPss.SignatureSize)), header.SealHash);
        Assert.True(RsaPss.VerifyHash(FixedKeys.Load(0), Convert.FromHexString(header.SealHash.ToString()), header.Signature));
        Assert.Equal(bytes, header.Encode());
    }

    [Fact]
    public void Encode_ProofOfWorkHeader_StillNinetyTwoBytes()
    {
        var header = new BlockHeader(BlockHeader.CurrentVersion, 7, Hash256.Compute("p"u8), Hash256.Compute("m"u8), 1_700_000_000, 0x207fffff, 42);

        Assert.False(header.IsSealed);
        Assert.Equal(BlockHeader.Size, header.EncodedSize);
        Assert.Equal(Hash256.Compute(header.Encode()), header.Hash);
    }

    [Fact]
    public void Decode_CheckpointWithSigners_RoundTripsInBlock()
    {
        var key = FixedKeys.Load(2);
        var signers = Enumerable.Range(0, 3).Select(i => TestChain.AddressOf(FixedKeys.Load(i))).Order().ToList();
        var coinbase = Transaction.CreateCoinbase(1, signers[0], 50, 30);
        var header = BlockHeader.CreateSealed(30, Hash256.Compute("p"u8), MerkleTree.ComputeRoot([coinbase]), 1_767_225_750, 1, SignerVote.None, signers, key.ExportSubjectPublicKeyInfo(), []).Sign(key);
        var block = new Block(header, [coinbase]);

        var decoded = Block.Decode(block.Encode());

        Assert.Equal(block.Hash, decoded.Hash);
        Assert.Equal(signers, decoded.Header.Signers);
        Assert.Equal(header.EncodedSize + 4 + 4 + coinbase.EncodedSize, block.EncodedSize);
    }

    [Fact]
    public void Decode_ChangedSignature_OtherHashSameSealHash()
    {
        var header = BlockHeader.Decode(Convert.FromHexString(VectorHex));
        var other = header.Sign(FixedKeys.Load(0));

        Assert.Equal(header.SealHash, other.SealHash);
        Assert.NotEqual(header.Hash, other.Hash);
    }

    [Theory]
    [InlineData(92, 3)] // vote kind
    [InlineData(113, BlockHeader.MaxSigners + 1)] // signer count
    public void Decode_FieldBeyondLimit_FormatException(int offset, int value)
    {
        var bytes = Convert.FromHexString(VectorHex);
        bytes[offset] = (byte)value;

        Assert.Throws<FormatException>(() => BlockHeader.Decode(bytes));
    }

    [Fact]
    public void Decode_EveryTruncation_FormatException()
    {
        var bytes = Convert.FromHexString(VectorHex);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => BlockHeader.Decode(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void ReadIndex_SealedHeaderEntry_RoundTrips()
    {
        var poa = new PoaTestNetwork();
        poa.Extend(poa.InTurn(poa.Chain.Tip));
        var entry = poa.Chain.Tip;
        var store = new ChainStateStore(new MemoryKeyValueStore());
        var batch = new WriteBatch();

        ChainStateStore.PutIndexEntry(batch, entry, recordLength: null);
        store.Store.Write(batch);
        var read = Assert.Single(store.ReadIndex());

        Assert.Equal(entry.Hash, read.Hash);
        Assert.Equal(entry.Header.Encode(), read.Header.Encode());
        Assert.Equal(entry.CoinbaseRecipient, read.CoinbaseRecipient);
        Assert.Equal(entry.TransactionCount, read.TransactionCount);
    }
}
