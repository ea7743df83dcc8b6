using System.Text;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Messages;

public class MessageCodecTests
{
    public static TheoryData<Message> AllKinds => new()
    {
        new InvMessage(["aa"], ["bb", "cc"]),
        new GetDataMessage([], ["bb"]),
        new TxMessage([[1, 2, 3]]),
        new BlockMessage([1, 2, 3]),
        new GetBlocksMessage(["00", "11"]),
        new BlocksMessage([[1, 2, 3]], More: true),
        new NotFoundMessage(["aa"], []),
        new CompactBlockMessage([1, 2, 3], [4, 5, 6], ["aa", "bb"]),
        new GetBlockTxnMessage("cc", ["aa"]),
        new BlockTxnMessage("cc", [[1, 2, 3]]),
    };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void TryDecode_EncodedMessage_RoundTrips(Message message)
    {
        var decoded = MessageCodec.TryDecode(MessageCodec.Encode(message), out var error);

        Assert.NotNull(decoded);
        Assert.Equal(string.Empty, error);
        Assert.Equal(message.GetType(), decoded.GetType());
        Assert.Equal(Encoding.UTF8.GetString(MessageCodec.Encode(message)), Encoding.UTF8.GetString(MessageCodec.Encode(decoded)));
    }

    [Fact]
    public void Encode_GetBlocks_UsesDocumentedSchema()
    {
        Assert.Equal("{\"type\":\"getblocks\",\"locator\":[\"ab\"]}", Encoding.UTF8.GetString(MessageCodec.Encode(new GetBlocksMessage(["ab"]))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"type\":\"launch-missiles\"}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[],\"more\":\"yes\"}")]
    [InlineData("{\"type\":\"getblocks\",\"locator\":-1}")]
    [InlineData("{\"type\":\"blocks\",\"blocks\":[]}")]
    [InlineData("{\"type\":\"inv\",\"txs\":[]}")]
    [InlineData("{\"type\":\"inv\",\"txs\":5,\"blocks\":[]}")]
    [InlineData("{\"type\":\"block\",\"block\":null}")]
    [InlineData("{\"type\":\"cmpctblock\",\"header\":\"AA==\",\"txs\":[]}")]
    [InlineData("{\"type\":\"cmpctblock\",\"header\":\"AA==\",\"coinbase\":\"AA==\",\"txs\":null}")]
    [InlineData("{\"type\":\"getblocktxn\",\"txs\":[]}")]
    [InlineData("{\"type\":\"blocktxn\",\"block\":\"aa\",\"txs\":\"AA==\"}")]
    [InlineData("{\"type\":\"block\",\"block\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}")]
    [InlineData("{\"type\":\"inv\",\"txs\":[],\"blocks\":[],\"padding\":\"xx\"}")]
    [InlineData("{\"padding\":[1,2],\"type\":\"getblocks\",\"locator\":[]}")]
    [InlineData("{\"type\":\"inv\",\"txs\":[\"aa\"],\"txs\":[],\"blocks\":[]}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AA==\",\"extra\":null}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[],\"Txs\":[]}")]
    public void TryDecode_Malformed_ReturnsNullWithReason(string json)
    {
        var decoded = MessageCodec.TryDecode(Encoding.UTF8.GetBytes(json), out var error);

        Assert.Null(decoded);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryDecode_DeepNesting_Refused()
    {
        var json = "{\"type\":\"block\",\"block\":\"AA==\",\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.Null(MessageCodec.TryDecode(Encoding.UTF8.GetBytes(json), out var error));
        Assert.Contains("depth", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TryDecode_OverlongLists_Refused()
    {
        var ids = Enumerable.Repeat("aa", InvMessage.MaxIds + 1).ToArray();
        var locator = Enumerable.Repeat("aa", GetBlocksMessage.MaxLocator + 1).ToArray();

        Assert.Null(MessageCodec.TryDecode(MessageCodec.Encode(new InvMessage(ids, [])), out _));
        Assert.Null(MessageCodec.TryDecode(MessageCodec.Encode(new GetBlocksMessage(locator)), out _));
        Assert.Null(MessageCodec.TryDecode(MessageCodec.Encode(new BlocksMessage(Enumerable.Repeat(new byte[1], BlocksMessage.MaxBlocks + 1).ToArray(), false)), out _));
        var txIds = Enumerable.Repeat("aa", CompactBlockMessage.MaxTxIds + 1).ToArray();
        Assert.Null(MessageCodec.TryDecode(MessageCodec.Encode(new CompactBlockMessage([0], [0], txIds)), out _));
        Assert.Null(MessageCodec.TryDecode(MessageCodec.Encode(new GetBlockTxnMessage("aa", txIds)), out _));
        Assert.Null(MessageCodec.TryDecode(MessageCodec.Encode(new BlockTxnMessage("aa", Enumerable.Repeat(new byte[1], CompactBlockMessage.MaxTxIds + 1).ToArray())), out _));
        Assert.NotNull(MessageCodec.TryDecode(MessageCodec.Encode(new CompactBlockMessage([0], [0], txIds[1..])), out _));
    }

    [Fact]
    public void Encode_CompactBlock_UsesDocumentedSchema()
    {
        Assert.Equal(
            "{\"type\":\"cmpctblock\",\"header\":\"AQ==\",\"coinbase\":\"Ag==\",\"txs\":[\"ab\"]}",
            Encoding.UTF8.GetString(MessageCodec.Encode(new CompactBlockMessage([1], [2], ["ab"]))));
        Assert.Equal("{\"type\":\"getblocktxn\",\"block\":\"cd\",\"txs\":[\"ab\"]}", Encoding.UTF8.GetString(MessageCodec.Encode(new GetBlockTxnMessage("cd", ["ab"]))));
        Assert.Equal("{\"type\":\"blocktxn\",\"block\":\"cd\",\"txs\":[\"AQ==\"]}", Encoding.UTF8.GetString(MessageCodec.Encode(new BlockTxnMessage("cd", [[1]]))));
    }

    [Fact]
    public void TryDecode_TypeAfterOtherFields_Accepted()
    {
        var decoded = MessageCodec.TryDecode("{\"block\":\"AA==\",\"type\":\"block\"}"u8, out _);

        Assert.Equal([0], Assert.IsType<BlockMessage>(decoded).Block);
    }

    [Fact]
    public void Encode_BytesNeedingNoJsonEscape_WritesPlainBase64()
    {
        // 0xfb 0xff is "+/8=" in base64: the '+' goes out as is, not as the \u002B a JSON string encoder would write.
        Assert.Equal("{\"type\":\"tx\",\"txs\":[\"+/8=\"]}", Encoding.UTF8.GetString(MessageCodec.Encode(new TxMessage([[0xfb, 0xff]]))));
    }

    [Theory]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"+/8=\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"\\u002B/8=\"]}")]
    public void TryDecode_Base64PlainOrJsonEscaped_SameBytes(string json)
    {
        var decoded = MessageCodec.TryDecode(Encoding.UTF8.GetBytes(json), out _);

        Assert.Equal([0xfb, 0xff], Assert.Single(Assert.IsType<TxMessage>(decoded).Txs));
    }

    [Theory]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"***\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[null]}")]
    [InlineData("{\"type\":\"block\",\"block\":\"AQI\"}")]
    [InlineData("{\"type\":\"cmpctblock\",\"header\":\"AA==\",\"coinbase\":5,\"txs\":[]}")]
    public void TryDecode_NotBase64_Refused(string json)
    {
        Assert.Null(MessageCodec.TryDecode(Encoding.UTF8.GetBytes(json), out var error));
        Assert.NotEmpty(error);
    }
}

public sealed class MessageBase64Tests
{
    // Every base64-carrying property, in the generic (any property order, whitespace) form and in the exact form,
    // with a value that is not canonical base64. PROTOCOL.md section 1: a receiver refuses it (misbehaviour, 9.6).
    public static TheoryData<string> NotCanonical => new()
    {
        "AAF=", "AAE", "AA E=", "AAE=\\n", " AAE=", "AAE==", "AA==AA==", "AAE-", "AA_=",
    };

    [Theory]
    [MemberData(nameof(NotCanonical))]
    public void Decode_NotCanonicalBase64_Refused(string value)
    {
        string[] forms =
        [
            $$"""{"type":"block","block":"{{value}}"}""",
            $$"""{ "block" : "{{value}}", "type" : "block" }""",
            $$"""{"type":"tx","txs":["{{value}}"]}""",
            $$"""{"txs":["{{value}}"],"type":"tx"}""",
            $$"""{"type":"blocks","blocks":["{{value}}"],"more":false}""",
            $$"""{"more":false,"blocks":["{{value}}"],"type":"blocks"}""",
            $$"""{"type":"cmpctblock","header":"{{value}}","coinbase":"AAE=","txs":[]}""",
            $$"""{"type":"cmpctblock","header":"AAE=","coinbase":"{{value}}","txs":[]}""",
            $$"""{"type":"blocktxn","block":"{{new string('a', 64)}}","txs":["{{value}}"]}""",
        ];
        foreach (var form in forms)
        {
            Assert.True(MessageCodec.TryDecode(System.Text.Encoding.UTF8.GetBytes(form), out _) is null, form);
        }
    }

    [Fact]
    public void Decode_CanonicalBase64_EscapedOrNot_Accepted()
    {
        // The control: the same forms with canonical base64 decode, also with a JSON escape inside the string.
        Assert.Equal([0, 1], ((BlockMessage)MessageCodec.TryDecode("""{ "block" : "AAE=", "type" : "block" }"""u8, out _)!).Block);
        Assert.Equal([0, 1], ((BlockMessage)MessageCodec.TryDecode("""{"type":"block","block":"\u0041AE="}"""u8, out _)!).Block);
        Assert.Equal([0, 1], ((TxMessage)MessageCodec.TryDecode("""{"txs":["AAE="],"type":"tx"}"""u8, out _)!).Txs[0]);
    }
}
