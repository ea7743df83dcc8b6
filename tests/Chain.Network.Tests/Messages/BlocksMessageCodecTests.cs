using System.Buffers;
using System.Text;
using Chain.Core.Ledger;
using Chain.Network.Messages;
using Chain.Network.Tests.Ledger;

namespace Chain.Network.Tests.Messages;

public class BlocksMessageCodecTests
{
    // Transfers per block of each batch: none, a small one, one over the parallel-decode threshold.
    public static TheoryData<int[], bool> Batches => new()
    {
        { [], false },
        { [0], true },
        { [3], false },
        { [0, 5, 2], true },
        { [1_001, 40], false },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public void EncodeRented_SameBytesAsSerializer(int[] transfers, bool more)
    {
        var blocks = Blocks(transfers);

        var (rented, length) = BlocksMessageCodec.EncodeRented(blocks, more);
        var fast = rented.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(rented);

        Assert.Equal(Serialize(new BlocksMessage(blocks.ConvertAll(b => b.Encode()), more)), fast);
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void TryDecode_SerializerOutput_SameBlocksAsGenericPath(int[] transfers, bool more)
    {
        var blocks = Blocks(transfers);
        var payload = Serialize(new BlocksMessage(blocks.ConvertAll(b => b.Encode()), more));

        Assert.True(BlocksMessageCodec.TryDecode(payload, out var decoded, out var decodedMore));

        var plain = Assert.IsType<BlocksMessage>(MessageCodec.TryDecode(payload, out _));
        Assert.Equal(plain.More, decodedMore);
        Assert.Equal(plain.Blocks.Count, decoded.Count);
        for (var i = 0; i < decoded.Count; i++)
        {
            Assert.Equal(plain.Blocks[i], decoded[i].Encode());
            Assert.Equal(blocks[i].Hash, decoded[i].Hash);
        }
    }

    // Every item is a real block's base64 (B), so each case fails only for its form, never because the item is not a
    // block; the generic path then gives its usual verdict.
    public static TheoryData<string> OtherForms => new()
    {
        "{\"blocks\":[\"B\"],\"type\":\"blocks\",\"more\":false}",
        "{\"type\":\"blocks\", \"blocks\":[\"B\"],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\"],\"more\":false,\"extra\":1}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\"],\"more\":null}",
        "{\"type\":\"blocks\",\"blocks\":[,],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\",],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\" ],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[ \"B\"],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\"\"B\"],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\",,\"B\"],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"\\u0041B\"],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\\/\"],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\",null],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"AQID\"],\"more\":true}",
        "{\"type\":\"blocks\",\"blocks\":[\"\"],\"more\":true}",
        "{\"type\":\"blocks\",\"blocks\":[\"B",
        "{\"type\":\"blocks\",\"blocks\":[\"B\"],\"more\":false}],\"more\":false}",
        "{\"type\":\"blocks\",\"blocks\":[\"B\"],\"more\":False}",
        "{\"type\":\"block\",\"block\":\"B\"}",
    };

    [Fact]
    public void TryDecode_ExactFormOfARealBlock_Decoded()
    {
        // The control for the cases below: the same block in exactly the serializer's form is taken.
        var payload = Encoding.UTF8.GetBytes("{\"type\":\"blocks\",\"blocks\":[\"B\",\"B\"],\"more\":false}".Replace("B", RealBlock, StringComparison.Ordinal));

        Assert.True(BlocksMessageCodec.TryDecode(payload, out var blocks, out var more));
        Assert.Equal(2, blocks.Count);
        Assert.False(more);
    }

    [Theory]
    [MemberData(nameof(OtherForms))]
    public void TryDecode_AnyOtherForm_LeftToGenericPath(string template)
    {
        var payload = Encoding.UTF8.GetBytes(template.Replace("B", RealBlock, StringComparison.Ordinal));

        Assert.False(BlocksMessageCodec.TryDecode(payload, out _, out _));
    }

    [Fact]
    public void TryDecode_ExactFormWithAMalformedBlock_GenericPathRefusesTheBlock()
    {
        // Valid base64 and JSON, but the second block is cut short: the fast path leaves it, and the generic message
        // decodes while the block does not (OnBlocks then disconnects the peer, as before the fast path).
        var cut = Blocks([3])[0].Encode()[..^1];
        var payload = Serialize(new BlocksMessage([Blocks([0])[0].Encode(), cut], More: true));

        Assert.False(BlocksMessageCodec.TryDecode(payload, out _, out _));
        var plain = Assert.IsType<BlocksMessage>(MessageCodec.TryDecode(payload, out _));
        Assert.Throws<FormatException>(() => Block.DecodeParallel(plain.Blocks[1]));
    }

    [Fact]
    public void TryDecode_MoreThanMaxBlocks_LeftToGenericPathWhichRefusesIt()
    {
        var one = Convert.ToBase64String(Blocks([0])[0].Encode());
        var json = "{\"type\":\"blocks\",\"blocks\":[" + string.Join(',', Enumerable.Repeat($"\"{one}\"", BlocksMessage.MaxBlocks + 1)) + "],\"more\":false}";
        var payload = Encoding.UTF8.GetBytes(json);

        Assert.False(BlocksMessageCodec.TryDecode(payload, out _, out _));
        Assert.Null(MessageCodec.TryDecode(payload, out var error));
        Assert.Contains("exceeds", error);
    }

    [Fact]
    public void TryDecode_ExactlyMaxBlocks_Decoded()
    {
        var blocks = Enumerable.Repeat(Blocks([0])[0], BlocksMessage.MaxBlocks).ToList();
        var payload = Serialize(new BlocksMessage(blocks.ConvertAll(b => b.Encode()), More: true));

        Assert.True(BlocksMessageCodec.TryDecode(payload, out var decoded, out var more));
        Assert.True(more);
        Assert.Equal(BlocksMessage.MaxBlocks, decoded.Count);
    }

    // Base64 of a real 2-transfer block; its length is a multiple of 3 bytes or not, either way canonical. ("B" in the
    // templates is replaced by it; no template has another capital B.)
    private static readonly string RealBlock = Convert.ToBase64String(BlockDecodeParallelTests.RandomBlock(2, seed: 99).Encode());

    private static List<Block> Blocks(int[] transfers) =>
        transfers.Select((count, i) => BlockDecodeParallelTests.RandomBlock(count, seed: (i * 7919) + count)).ToList();

    private static byte[] Serialize(Message message) => SerializerReference.Serialize(message);
}
