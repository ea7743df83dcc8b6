using System.Buffers;
using System.Text;
using System.Text.Json;
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

    [Theory]
    [InlineData("{\"blocks\":[],\"type\":\"blocks\",\"more\":false}")]
    [InlineData("{\"type\":\"blocks\", \"blocks\":[],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[],\"more\":false,\"extra\":1}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[],\"more\":null}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[,],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"AQID\",],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"AQID\" ],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"AQID\"\"AQID\"],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"AR==\"],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"\\u0041QID\"],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[null],\"more\":false}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"AQID\"],\"more\":true}")] // base64, but not a block
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"\"],\"more\":true}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[\"AQID")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[],\"more\":false}],\"more\":false}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQID\"}")]
    public void TryDecode_AnyOtherForm_LeftToGenericPath(string json)
    {
        Assert.False(BlocksMessageCodec.TryDecode(Encoding.UTF8.GetBytes(json), out _, out _));
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

    private static List<Block> Blocks(int[] transfers) =>
        transfers.Select((count, i) => BlockDecodeParallelTests.RandomBlock(count, seed: (i * 7919) + count)).ToList();

    private static byte[] Serialize(Message message) => JsonSerializer.SerializeToUtf8Bytes(message, MessageJsonContext.Default.Message);
}
