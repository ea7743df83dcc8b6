using System.Text;
using System.Text.Json;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Messages;

public class BlockMessageCodecTests
{
    public static TheoryData<int> Lengths => [0, 1, 2, 3, 4, 5, 92, 97, 603, 4_096, 606_000, 2 * 1024 * 1024];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Encode_RandomBlockBytes_SameBytesAsSerializer(int length)
    {
        var block = RandomBytes(length, seed: length);

        var fast = BlockMessageCodec.Encode(block);

        Assert.Equal(Serialize(new BlockMessage(block)), fast);
        Assert.Equal(fast, MessageCodec.Encode(new BlockMessage(block)));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TryDecode_SerializerOutput_SameBlockAsSerializer(int length)
    {
        var block = RandomBytes(length, seed: length + 1);
        var payload = Serialize(new BlockMessage(block));

        var fast = BlockMessageCodec.TryDecode(payload);
        var plain = JsonSerializer.Deserialize(payload, MessageJsonContext.Default.Message);

        Assert.Equal(block, fast);
        Assert.Equal(Assert.IsType<BlockMessage>(plain).Block, fast);
        Assert.Equal(block, Assert.IsType<BlockMessage>(MessageCodec.TryDecode(payload, out _)).Block);
    }

    [Theory]
    [InlineData("{\"block\":\"AQID\",\"type\":\"block\"}")]
    [InlineData("{\"type\":\"block\", \"block\":\"AQID\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQID\",\"extra\":1}")]
    [InlineData("{\"type\":\"block\",\"block\":\"\\u0041QID\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQ\\/D\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AR==\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQI\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQ ID\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQID\"}\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQID\"}garbage\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQID\",\"block\":\"BBBB\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"")]
    [InlineData("{\"type\":\"block\",\"block\":\"\"")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\"]}")]
    public void TryDecode_AnyOtherForm_LeftToSerializerWithSameVerdict(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        var plain = SerializerReference.DeserializeOrNull(payload);

        var decoded = MessageCodec.TryDecode(payload, out _);

        Assert.Null(BlockMessageCodec.TryDecode(payload));
        Assert.Equal(plain is null, decoded is null);
        if (plain is BlockMessage expected)
        {
            Assert.Equal(expected.Block, Assert.IsType<BlockMessage>(decoded).Block);
        }
    }

    [Fact]
    public void TryDecode_EmptyBlock_SameAsSerializer()
    {
        var payload = "{\"type\":\"block\",\"block\":\"\"}"u8.ToArray();

        Assert.Equal([], BlockMessageCodec.TryDecode(payload)!);
        Assert.Equal([], Assert.IsType<BlockMessage>(JsonSerializer.Deserialize(payload, MessageJsonContext.Default.Message)).Block);
    }

    private static byte[] Serialize(Message message) => SerializerReference.Serialize(message);

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TryDecodeRented_SerializerOutput_SameBlockAsTryDecode(int length)
    {
        var payload = Serialize(new BlockMessage(RandomBytes(length, seed: length + 2)));

        Assert.True(BlockMessageCodec.TryDecodeRented(payload, out var rented, out var decoded));

        Assert.Equal(BlockMessageCodec.TryDecode(payload), rented.AsSpan(0, decoded).ToArray());
        System.Buffers.ArrayPool<byte>.Shared.Return(rented);
    }

    [Theory]
    [InlineData("{\"block\":\"AQID\",\"type\":\"block\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AR==\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQI\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQ*D\"}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQID\"}garbage\"}")]
    public void TryDecodeRented_AnyOtherForm_False(string json)
    {
        Assert.False(BlockMessageCodec.TryDecodeRented(Encoding.UTF8.GetBytes(json), out _, out _));
    }
}
