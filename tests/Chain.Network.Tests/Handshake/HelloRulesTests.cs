using System.Text;
using System.Text.Json;
using Chain.Network.Handshake;
using Chain.Network.Transport;

namespace Chain.Network.Tests.Handshake;

/// <summary>
/// Each rule of PROTOCOL.md 4.2 on the form of a hello, one field changed at a time: what a responder answers
/// (its own hello when it accepts, a disconnect with the reason when it refuses).
/// </summary>
public sealed class HelloRulesTests
{
    private const string Accepted = "accepted";

    public static TheoryData<string, string> Cases => new()
    {
        { "valid", Accepted },
        { "genesis upper case", DisconnectCode.MalformedHandshake },
        { "nodeId upper case", DisconnectCode.MalformedHandshake },
        { "work zero", Accepted },
        { "work upper case", DisconnectCode.MalformedHandshake },
        { "work leading zero", DisconnectCode.MalformedHandshake },
        { "work 32 digits", Accepted },
        { "work 33 digits", DisconnectCode.MalformedHandshake },
        { "userAgent 256 UTF-8 bytes", Accepted },
        { "userAgent 257 UTF-8 bytes in 129 characters", DisconnectCode.MalformedHandshake },
        { "ephemeralKey all zero", DisconnectCode.MalformedHandshake },
        { "nonce non-zero unused bits", DisconnectCode.MalformedHandshake },
        { "nonce without padding", DisconnectCode.MalformedHandshake },
        { "nodeKey exponent 65539", DisconnectCode.MalformedHandshake },
        { "nodeKey without NULL parameters", DisconnectCode.MalformedHandshake },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RunAsync_HelloWithOneFieldChanged_AcceptedOrRefusedAsDocumented(string change, string expected)
    {
        var (client, server) = await RawPeer.PairAsync();
        await using var c = client;
        await using var s = server;
        using var cancel = new CancellationTokenSource(TestSupport.Timeout);
        var responder = PeerHandshake.RunAsync(server.Input, server.Output, TestSupport.Settings(TestSupport.KeyB), false, null, cancel.Token);

        await client.WriteAsync(FrameWriter.Encode(Encoding.UTF8.GetBytes(Hello(change))));
        var answer = await FrameReader.ReadFrameAsync(client.Input, PeerHandshake.MaxHandshakeFrameSize, cancel.Token);

        using var json = JsonDocument.Parse(answer);
        var type = json.RootElement.GetProperty("type").GetString();
        Assert.Equal(expected, type == "hello" ? Accepted : json.RootElement.GetProperty("reason").GetString());
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => responder);
    }

    [Fact]
    public async Task RunAsync_TheExampleHelloOfProtocolMd_AcceptedByADevNetworkResponder()
    {
        var example = File.ReadLines(ProtocolDocument()).Single(line => line.StartsWith("{\"type\":\"hello\"", StringComparison.Ordinal));
        using (var json = JsonDocument.Parse(example))
        {
            // Its work is real: 43 blocks (genesis included) of work 2 each on the dev network.
            var hello = json.RootElement;
            Assert.Equal(Chain.Core.Ledger.NetworkParameters.Dev.GenesisHash.ToString(), hello.GetProperty("genesis").GetString());
            Assert.Equal(((hello.GetProperty("bestHeight").GetUInt32() + 1) * 2).ToString("x", System.Globalization.CultureInfo.InvariantCulture), hello.GetProperty("cumulativeWork").GetString());
        }

        var (client, server) = await RawPeer.PairAsync();
        await using var c = client;
        await using var s = server;
        using var cancel = new CancellationTokenSource(TestSupport.Timeout);
        var dev = NetworkIdentity.From(Chain.Core.Ledger.NetworkParameters.Dev);
        var responder = PeerHandshake.RunAsync(server.Input, server.Output, TestSupport.Settings(TestSupport.KeyB, dev), false, null, cancel.Token);

        await client.WriteAsync(FrameWriter.Encode(Encoding.UTF8.GetBytes(example)));
        var answer = await FrameReader.ReadFrameAsync(client.Input, PeerHandshake.MaxHandshakeFrameSize, cancel.Token);

        using var reply = JsonDocument.Parse(answer);
        Assert.Equal("hello", reply.RootElement.GetProperty("type").GetString());
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => responder);
    }

    private static string ProtocolDocument()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "Chain.Network", "PROTOCOL.md");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("PROTOCOL.md not found above the test assembly");
    }

    // A hello from KeyA, as JSON text, with the one change named.
    private static string Hello(string change)
    {
        var nodeKey = TestSupport.KeyA.PublicKey.ToArray();
        if (change == "nodeKey exponent 65539")
        {
            nodeKey[^1] = 0x03; // 02 03 01 00 01 → 02 03 01 00 03
        }
        else if (change == "nodeKey without NULL parameters")
        {
            // 30 82 01 22 | 30 0d 06 09 <rsaEncryption> 05 00 | 03 82 01 0f ... → without 05 00, lengths two shorter.
            nodeKey = [0x30, 0x82, 0x01, 0x20, 0x30, 0x0b, .. nodeKey[6..17], .. nodeKey[19..]];
        }

        var nonce = Convert.ToBase64String(new byte[32]); // "AAAA…AAA=": 43 characters and one '='
        nonce = change switch
        {
            "nonce non-zero unused bits" => nonce[..42] + "B=",
            "nonce without padding" => nonce[..43],
            _ => nonce,
        };
        var work = change switch
        {
            "work zero" => "0",
            "work upper case" => "1A",
            "work leading zero" => "01a",
            "work 32 digits" => new string('f', 32),
            "work 33 digits" => "1" + new string('0', 32),
            _ => "1a",
        };
        var userAgent = change switch
        {
            "userAgent 256 UTF-8 bytes" => new string('é', 128),
            "userAgent 257 UTF-8 bytes in 129 characters" => "a" + new string('é', 128),
            _ => "test/1",
        };
        var ephemeral = change == "ephemeralKey all zero" ? new byte[EphemeralKey.Size] : EphemeralKey.Generate().PublicKey;
        var genesis = TestSupport.Network.GenesisHash.ToString();
        var nodeId = NodeKey.ComputeNodeId(nodeKey);
        var hello = new Dictionary<string, object>
        {
            ["type"] = "hello",
            ["version"] = PeerHandshake.ProtocolVersion,
            ["magic"] = TestSupport.Network.Magic,
            ["genesis"] = change == "genesis upper case" ? genesis.ToUpperInvariant() : genesis,
            ["nodeKey"] = Convert.ToBase64String(nodeKey),
            ["nodeId"] = change == "nodeId upper case" ? nodeId.ToUpperInvariant() : nodeId,
            ["listenPort"] = 0,
            ["bestHeight"] = 0,
            ["cumulativeWork"] = work,
            ["userAgent"] = userAgent,
            ["ephemeralKey"] = Convert.ToBase64String(ephemeral),
            ["nonce"] = nonce,
        };
        return JsonSerializer.Serialize(hello);
    }
}
