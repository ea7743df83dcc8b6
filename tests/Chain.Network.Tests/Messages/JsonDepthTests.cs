using System.Text;
using Chain.Network.Messages;

namespace Chain.Network.Tests.Messages;

/// <summary>How PROTOCOL.md 9.1 counts JSON depth: the message object is level 1, an array in it level 2.</summary>
public sealed class JsonDepthTests
{
    [Fact]
    public void TryDecode_RealMessage_NeedsTwoLevels()
    {
        // An inv is an object (level 1) holding arrays (level 2): it decodes with the limit set to 2.
        var inv = Encoding.UTF8.GetBytes("{\"type\":\"inv\",\"txs\":[],\"blocks\":[\"" + new string('a', 64) + "\"]}");
        Assert.NotNull(MessageCodec.TryDecode(inv, out _));
        Assert.True(MessageCodec.MaxJsonDepth >= 2);
    }

    [Theory]
    [InlineData(MessageCodec.MaxJsonDepth, false)]
    [InlineData(MessageCodec.MaxJsonDepth + 1, true)]
    public void TryDecode_NestedLevels_RefusedForDepthOnlyOverTheLimit(int levels, bool refusedForDepth)
    {
        // The message object is level 1; an extra property holds levels - 1 nested arrays.
        var nested = new string('[', levels - 1) + new string(']', levels - 1);
        var json = Encoding.UTF8.GetBytes("{\"type\":\"inv\",\"txs\":[],\"blocks\":[],\"extra\":" + nested + "}");

        MessageCodec.TryDecode(json, out var error);

        Assert.Equal(refusedForDepth, error.Contains("depth", StringComparison.OrdinalIgnoreCase));
    }
}
