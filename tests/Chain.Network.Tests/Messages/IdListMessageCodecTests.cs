using System.Security.Cryptography;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Messages;

public class IdListMessageCodecTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    [InlineData(1_000, 1)]
    public void Encode_HexIds_SameBytesAsSerializer(int txCount, int blockCount)
    {
        var txs = Ids(txCount);
        var blocks = Ids(blockCount);

        foreach (Message message in new Message[] { new InvMessage(txs, blocks), new GetDataMessage(txs, blocks) })
        {
            Assert.NotNull(IdListMessageCodec.TryEncode(message.Kind, txs, blocks));
            Assert.Equal(Serialize(message), MessageCodec.Encode(message));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("AZaz09")]
    [InlineData("a\"b")]
    [InlineData("a\\b")]
    [InlineData("<script>")]
    [InlineData("a+b")]
    [InlineData("é")]
    [InlineData("a b")]
    [InlineData("\u0001")]
    public void Encode_AnyId_SameBytesAsSerializer(string id)
    {
        foreach (Message message in new Message[] { new InvMessage([id], ["ab"]), new GetDataMessage(["ab"], [id]) })
        {
            Assert.Equal(Serialize(message), MessageCodec.Encode(message));
        }
    }

    private static byte[] Serialize(Message message) => SerializerReference.Serialize(message);

    private static List<string> Ids(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))))];
}
