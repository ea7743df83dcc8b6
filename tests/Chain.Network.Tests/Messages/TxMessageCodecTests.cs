using System.Text;
using System.Text.Json;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Messages;

public class TxMessageCodecTests
{
    public static TheoryData<int> Counts => [0, 1, 2, 3, 100, TxMessage.MaxTransactions];

    [Theory]
    [MemberData(nameof(Counts))]
    public void Encode_RandomTransactions_SameBytesAsSerializer(int count)
    {
        var txs = RandomItems(count, seed: count);

        var fast = TxMessageCodec.Encode(txs);

        Assert.Equal(Serialize(new TxMessage(txs)), fast);
        Assert.Equal(fast, MessageCodec.Encode(new TxMessage(txs)));
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void EncodeTransactions_RandomTransactions_SameBytesAsSerializerOfTheirEncodings(int count)
    {
        // Real transactions (the transfers of a random block), written straight from the objects.
        var txs = Chain.Network.Tests.Ledger.BlockDecodeParallelTests.RandomBlock(count, seed: count + 7).Transactions.Skip(1).ToList();

        var fast = TxMessageCodec.Encode(txs);

        Assert.Equal(Serialize(new TxMessage(txs.ConvertAll(tx => tx.Encode()))), fast);
    }

    [Theory]
    [MemberData(nameof(Counts))]
    public void TryDecode_SerializerOutput_SameTransactionsAsSerializer(int count)
    {
        var txs = RandomItems(count, seed: count + 1);
        var payload = Serialize(new TxMessage(txs));

        var fast = TxMessageCodec.TryDecode(payload);
        var plain = Assert.IsType<TxMessage>(JsonSerializer.Deserialize(payload, MessageJsonContext.Default.Message));

        Assert.NotNull(fast);
        Assert.Equal(plain.Txs, fast);
        Assert.Equal(txs, fast);
        Assert.Equal(txs, Assert.IsType<TxMessage>(MessageCodec.TryDecode(payload, out _)).Txs);
    }

    [Theory]
    [InlineData("{\"txs\":[\"AQID\"],\"type\":\"tx\"}")]
    [InlineData("{\"type\":\"tx\", \"txs\":[\"AQID\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\", \"AQID\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\"],\"extra\":1}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"\\u0041QID\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"+/8=\",\"\\u002B/8=\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AR==\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQI\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[null]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\",null]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\",]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[,\"AQID\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\"\"AQID\"]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\"]}]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[5]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[[\"AQID\"]]}")]
    [InlineData("{\"type\":\"tx\",\"txs\":[\"AQID\"],\"txs\":[]}")]
    public void TryDecode_AnyOtherForm_LeftToSerializerWithSameVerdict(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        var plain = SerializerReference.DeserializeOrNull(payload);

        var decoded = MessageCodec.TryDecode(payload, out _);

        Assert.Null(TxMessageCodec.TryDecode(payload));
        if (plain is TxMessage expected && !expected.Txs.Contains(null!))
        {
            Assert.Equal(expected.Txs, Assert.IsType<TxMessage>(decoded).Txs);
        }
        else
        {
            Assert.Null(decoded);
        }
    }

    [Fact]
    public void TryDecode_EmptyAndEmptyItem_SameAsSerializer()
    {
        foreach (var payload in new[] { "{\"type\":\"tx\",\"txs\":[]}"u8.ToArray(), "{\"type\":\"tx\",\"txs\":[\"\"]}"u8.ToArray() })
        {
            var plain = Assert.IsType<TxMessage>(JsonSerializer.Deserialize(payload, MessageJsonContext.Default.Message));
            Assert.Equal(plain.Txs, TxMessageCodec.TryDecode(payload));
        }
    }

    [Fact]
    public void TryDecode_OneMoreThanTheCap_RefusedAsBefore()
    {
        var payload = Serialize(new TxMessage(RandomItems(TxMessage.MaxTransactions + 1, seed: 3)));

        Assert.Null(TxMessageCodec.TryDecode(payload));
        Assert.Null(MessageCodec.TryDecode(payload, out var error));
        Assert.Contains("exceeds", error, StringComparison.Ordinal);
    }

    private static byte[] Serialize(Message message) => SerializerReference.Serialize(message);

    private static List<byte[]> RandomItems(int count, int seed)
    {
        var random = new Random(seed);
        var items = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var item = new byte[random.Next(0, 1_025)];
            random.NextBytes(item);
            items.Add(item);
        }

        return items;
    }
}
