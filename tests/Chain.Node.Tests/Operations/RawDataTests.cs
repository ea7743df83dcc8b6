using System.Text.Json;
using Chain.Node.Operations.Results;
using Chain.Node.Rpc;

namespace Chain.Node.Tests.Operations;

public class RawDataTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(40_001)]
    public void WriteHex_FromEncodingOfAnySize_SameTextAsHexAndJsonRoundTrips(int size)
    {
        var encoding = new byte[size];
        new Random(size).NextBytes(encoding);
        var expected = Convert.ToHexStringLower(encoding);
        using var output = new StringWriter();

        new RawData(encoding).WriteHex(output);

        Assert.Equal(expected, output.ToString());
        var json = JsonSerializer.Serialize(new RawData(encoding), RpcJsonContext.Default.RawData);
        Assert.Equal($"{{\"hex\":\"{expected}\"}}", json);
        Assert.Equal(expected, JsonSerializer.Deserialize(json, RpcJsonContext.Default.RawData)!.Hex);
    }
}
