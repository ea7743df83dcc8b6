using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>The JSON-RPC API of a real node: HTTP and WebSocket, batches, every error code, authentication by the cookie.</summary>
public sealed class RpcTests(RpcNodeFixture fixture) : IClassFixture<RpcNodeFixture>
{
    private NodeProcess Node => fixture.Node;

    [Fact]
    public async Task Status_OverHttp_SameFieldsAsTheConsole()
    {
        var status = await fixture.CallAsync("status");
        var height = await Node.StatusAsync("height");
        Assert.Equal(height, status.GetProperty("height").GetUInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(await Node.StatusAsync("tip"), status.GetProperty("tip").GetString());
        Assert.Equal(JsonValueKind.False, status.GetProperty("mining").ValueKind);
        Assert.Equal(await Node.StatusAsync("immature"), status.GetProperty("immature").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("sync").ValueKind); // no peer is ahead of it
    }

    [Fact]
    public async Task Balance_ByPositionAndByName_MatchesTheConsole()
    {
        var address = await Node.AskAsync("address");
        var console = await Node.AskAsync($"balance {address}");
        var byPosition = await fixture.CallAsync("balance", $"""["{address}"]""");

        // The wallet mined the last blocks, whose rewards are still immature: the console shows both amounts.
        Assert.NotEqual("0", byPosition.GetProperty("immature").GetString());
        Assert.Equal(console, AsConsole(byPosition));
        Assert.Equal(console, AsConsole(await fixture.CallAsync("balance", $$"""{"address":"{{address}}"}""")));
        Assert.Equal(console, AsConsole(await fixture.CallAsync("balance")));
    }

    private static string AsConsole(JsonElement balance) =>
        $"{balance.GetProperty("balance").GetString()} immature={balance.GetProperty("immature").GetString()}";

    [Fact]
    public async Task BlockRawThenDecode_SameBlock()
    {
        var block = await fixture.CallAsync("block", """["1"]""");
        var hex = (await fixture.CallAsync("block", """["1", "raw"]""")).GetProperty("hex").GetString();
        var decoded = await fixture.CallAsync("decode", $"""["{hex}"]""");
        Assert.Equal("block", decoded.GetProperty("kind").GetString());
        Assert.Equal(block.GetProperty("header").GetProperty("hash").GetString(), decoded.GetProperty("block").GetProperty("header").GetProperty("hash").GetString());
        var header = await fixture.CallAsync("header", """{"id":"1"}""");
        Assert.Equal(block.GetProperty("header").GetProperty("hash").GetString(), header.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task Batch_AnswersEachRequest_NotificationsGetNone()
    {
        var (status, answer) = await fixture.PostAsync("""
            [{"jsonrpc":"2.0","id":1,"method":"status"},
             {"jsonrpc":"2.0","method":"status"},
             {"jsonrpc":"2.0","id":"b","method":"nosuch"},
             {"jsonrpc":"2.0","id":3,"method":"address"}]
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var answers = answer!.Value.EnumerateArray().ToList();
        Assert.Equal(3, answers.Count);
        Assert.True(answers[0].GetProperty("result").TryGetProperty("tip", out _));
        Assert.Equal(-32601, answers[1].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("b", answers[1].GetProperty("id").GetString());
        Assert.Equal(await Node.AskAsync("address"), answers[2].GetProperty("result").GetProperty("address").GetString());

        var (notified, none) = await fixture.PostAsync("""{"jsonrpc":"2.0","method":"status"}""");
        Assert.Equal(HttpStatusCode.NoContent, notified);
        Assert.Null(none);
    }

    [Fact]
    public async Task Batch_ConsecutiveSendRaw_EachAnsweredAsIfSentAlone()
    {
        // A sender the test can sign for: the node's own wallet, exported.
        var keyFile = Path.Combine(Path.GetDirectoryName(fixture.DataDir)!, "batch-sender.pem");
        Assert.Equal($"exported {keyFile}", await Node.AskAsync($"wallet export {keyFile}"));
        using var key = RSA.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(keyFile));
        var network = NetworkParameters.Dev;
        var nonce = (await fixture.CallAsync("balance")).GetProperty("nonce").GetUInt64();
        var pending = (await fixture.CallAsync("mempool")).GetProperty("transactions").GetArrayLength();
        var recipient = new Address(SHA256.HashData("batch recipient"u8).AsSpan(0, Address.Size));
        string Hex(ulong n) => Convert.ToHexStringLower(Transaction.CreateSigned(key, network.Magic, recipient, 1, network.MinFee, n).Encode());
        string SendRaw(object id, string hex) => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"sendraw","params":["{{hex}}"]}""";

        // Nonce n + 1 is valid only after n: the batch is taken in order. The mempool request between the two runs
        // sees the first run's transactions and not the second's.
        var (status, answer) = await fixture.PostAsync($$"""
            [{{SendRaw(1, Hex(nonce))}},
             {{SendRaw(2, Hex(nonce + 1))}},
             {{SendRaw(3, "zz")}},
             {{SendRaw(4, Hex(nonce + 1))}},
             {{SendRaw(5, Hex(nonce + 3))}},
             {"jsonrpc":"2.0","id":6,"method":"mempool"},
             {{SendRaw(7, Hex(nonce + 2))}},
             {"jsonrpc":"2.0","method":"sendraw","params":["{{Hex(nonce + 3)}}"]},
             {{SendRaw(9, Hex(nonce + 4))}}]
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var answers = answer!.Value.EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 9], answers.Select(a => a.GetProperty("id").GetInt32()));
        Assert.Equal(Transaction.Decode(Convert.FromHexString(Hex(nonce))).Id.ToString(), answers[0].GetProperty("result").GetProperty("id").GetString());
        Assert.True(answers[1].TryGetProperty("result", out _), answers[1].ToString());
        Assert.Equal(-32602, answers[2].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("duplicate", answers[3].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("nonce too high", answers[4].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(pending + 2, answers[5].GetProperty("result").GetProperty("transactions").GetArrayLength());
        Assert.True(answers[6].TryGetProperty("result", out _), answers[6].ToString());
        Assert.True(answers[7].TryGetProperty("result", out _), answers[7].ToString()); // after the notification's nonce + 3
        Assert.Equal(pending + 5, (await fixture.CallAsync("mempool")).GetProperty("transactions").GetArrayLength());
    }

    public static TheoryData<string, int, string> BadRequests => new()
    {
        { "{not json", -32700, "not JSON" },
        { "[]", -32600, "batch" },
        { "[" + string.Join(',', Enumerable.Repeat("""{"jsonrpc":"2.0","id":1,"method":"status"}""", 101)) + "]", -32600, "batch" },
        { "42", -32600, "JSON object" },
        { """{"id":1,"method":"status"}""", -32600, "2.0" },
        { """{"jsonrpc":"2.0","id":1}""", -32600, "method" },
        { """{"jsonrpc":"2.0","id":{},"method":"status"}""", -32600, "id" },
        { """{"jsonrpc":"2.0","id":1,"method":"frobnicate"}""", -32601, "no method 'frobnicate'" },
        { """{"jsonrpc":"2.0","id":1,"method":"quit"}""", -32601, "no method 'quit'" },
        { """{"jsonrpc":"2.0","id":1,"method":"balance","params":["xyz"]}""", -32602, "'xyz' is not an address" },
        { """{"jsonrpc":"2.0","id":1,"method":"send","params":["chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt8c","1"]}""", -32602, "checksum does not match" },
        { """{"jsonrpc":"2.0","id":1,"method":"send","params":["00112233445566778899aabbccddeeff00112233","1"]}""", -32602, "no checksum" },
        { """{"jsonrpc":"2.0","id":1,"method":"walletexport","params":["/"]}""", -32000, "never replaces a file" },
        { """{"jsonrpc":"2.0","id":1,"method":"balance","params":["a","b"]}""", -32602, "at most 1 parameters" },
        { """{"jsonrpc":"2.0","id":1,"method":"balance","params":{"who":"x"}}""", -32602, "no parameter 'who'" },
        { """{"jsonrpc":"2.0","id":1,"method":"balance","params":[[1]]}""", -32602, "must be a string" },
        { """{"jsonrpc":"2.0","id":1,"method":"balance","params":"x"}""", -32602, "params must be" },
        { """{"jsonrpc":"2.0","id":1,"method":"send","params":["chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c"]}""", -32602, "usage: send" },
        { """{"jsonrpc":"2.0","id":1,"method":"send","params":["chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c","abc"]}""", -32602, "amount 'abc'" },
        { """{"jsonrpc":"2.0","id":1,"method":"mine","params":[0]}""", -32602, "'0' is not a count" },
        { """{"jsonrpc":"2.0","id":1,"method":"block","params":[999999]}""", -32004, "no block 999999" },
        { """{"jsonrpc":"2.0","id":1,"method":"tx","params":["0000000000000000000000000000000000000000000000000000000000000000"]}""", -32004, "no transaction" },
        { """{"jsonrpc":"2.0","id":1,"method":"send","params":["chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c","1000000"]}""", -32010, "insufficient balance" },
        { """{"jsonrpc":"2.0","id":1,"method":"sendraw","params":["zz"]}""", -32602, "not hexadecimal" },
        { """{"jsonrpc":"2.0","id":1,"method":"sendraw","params":["0102"]}""", -32602, "not a transaction" },
        { """{"jsonrpc":"2.0","id":1,"method":"decode","params":["00"]}""", -32602, "neither a transaction nor a block" },
        { """{"jsonrpc":"2.0","id":1,"method":"connect","params":["127.0.0.1:1"]}""", -32000, "could not connect" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_ErrorCodeAndMessage_NodeKeepsAnswering(string request, int code, string message)
    {
        var (actualCode, actualMessage) = await fixture.ErrorAsync(request);
        Assert.Equal(code, actualCode);
        Assert.Contains(message, actualMessage, StringComparison.Ordinal);
        Assert.True((await fixture.CallAsync("status")).TryGetProperty("height", out _));
    }

    [Fact]
    public async Task OversizedBody_RefusedWith413()
    {
        // As curl does for a large body, the client asks "Expect: 100-continue" and waits for the server's word
        // before sending the body. The node judges the declared length and answers 413 at once, so the body is
        // never sent. Without the expectation the client may still be writing the body when the node answers and
        // closes, and then sees a broken pipe instead of the 413 (it did, on a loaded machine).
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = NodeProcess.Timeout };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Client.BaseAddress, Timeout = NodeProcess.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, string.Empty) { Content = new ByteArrayContent(new byte[(1024 * 1024) + 1]) };
        request.Headers.Authorization = fixture.Client.DefaultRequestHeaders.Authorization;
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True((await fixture.CallAsync("status")).TryGetProperty("height", out _));
    }

    [Fact]
    public async Task Authentication_WithoutOrWithAWrongCookie_Refused_BearerAccepted()
    {
        using var client = new HttpClient { BaseAddress = fixture.Client.BaseAddress, Timeout = NodeProcess.Timeout };
        const string Request = """{"jsonrpc":"2.0","id":1,"method":"status"}""";
        using (var response = await client.PostAsync(string.Empty, new StringContent(Request)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("__cookie__:" + new string('0', 64))));
        using (var response = await client.PostAsync(string.Empty, new StringContent(Request)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var secret = File.ReadAllText(Path.Combine(fixture.DataDir, ".cookie")).Split(':')[1];
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var response = await client.PostAsync(string.Empty, new StringContent(Request)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void Cookie_OwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(Path.Combine(fixture.DataDir, ".cookie"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task WebSocket_RequestAndBatch_Answered()
    {
        using var socket = await ConnectWebSocketAsync(fixture);
        var answer = await RoundTripAsync(socket, """{"jsonrpc":"2.0","id":7,"method":"status"}""");
        Assert.Equal(7, answer.GetProperty("id").GetInt32());
        Assert.True(answer.GetProperty("result").TryGetProperty("tip", out _));
        var error = await RoundTripAsync(socket, "{oops");
        Assert.Equal(-32700, error.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task WebSocket_WithoutCookie_Refused()
    {
        using var socket = new ClientWebSocket();
        var e = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{fixture.Endpoint}/"), CancellationToken.None).WaitAsync(NodeProcess.Timeout));
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
    }

    internal static async Task<ClientWebSocket> ConnectWebSocketAsync(RpcNodeFixture fixture)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", fixture.Client.DefaultRequestHeaders.Authorization!.ToString());
        await socket.ConnectAsync(new Uri($"ws://{fixture.Endpoint}/"), CancellationToken.None).WaitAsync(NodeProcess.Timeout);
        return socket;
    }

    internal static async Task<JsonElement> RoundTripAsync(ClientWebSocket socket, string request)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(NodeProcess.Timeout);
        return await ReceiveAsync(socket);
    }

    internal static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[1 << 20];
        var length = 0;
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None).WaitAsync(NodeProcess.Timeout);
            length += received.Count;
        }
        while (!received.EndOfMessage);

        return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
    }
}
