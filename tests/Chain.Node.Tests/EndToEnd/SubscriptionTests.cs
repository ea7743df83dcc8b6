using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Chain.Node.Rpc.Subscriptions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>WebSocket subscriptions of real node processes: tips (reorganisations included), mempool and peers; a slow subscriber dropped; caps and errors.</summary>
public sealed class SubscriptionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Subscribe_PeerJoinsMinesAndSends_PeersTipsAndMempoolNotified()
    {
        await using var a = await NodeProcess.StartAsync("A", _folder.Combine("a"));
        await using var watcherA = await SubscriberClient.ConnectAsync(await RpcEndpoint.OfAsync(a, _folder.Combine("a")));
        var peersOfA = await watcherA.SubscribeAsync("peers");

        await using var b = await NodeProcess.StartAsync("B", _folder.Combine("b"), ["--peers", a.Endpoint]);
        var joined = await watcherA.NotificationAsync(peersOfA, r => r.GetProperty("event").GetString() == "connected", "B connecting to A");
        Assert.Equal(b.NodeId, joined.GetProperty("peer").GetProperty("nodeId").GetString());
        Assert.Equal("inbound", joined.GetProperty("peer").GetProperty("direction").GetString());
        Assert.StartsWith("127.0.0.1:", joined.GetProperty("peer").GetProperty("endpoint").GetString(), StringComparison.Ordinal);

        await using var watcherB = await SubscriberClient.ConnectAsync(await RpcEndpoint.OfAsync(b, _folder.Combine("b")));
        var tipsOfB = await watcherB.SubscribeAsync("tips");
        var mempoolOfB = await watcherB.SubscribeAsync("mempool");

        var mined = (await a.CommandAsync("mine 3")).Select(line => line.Split(' ')[1]).ToList();
        var tip = await watcherB.NotificationAsync(tipsOfB, r => r.GetProperty("hash").GetString() == mined[2], "A's third block reaching B");
        Assert.Equal(3u, tip.GetProperty("height").GetUInt32());
        Assert.Equal(mined[1], tip.GetProperty("previous").GetString());
        Assert.Equal(1, tip.GetProperty("transactions").GetInt32());
        Assert.Equal(JsonValueKind.Null, tip.GetProperty("reorg").ValueKind);
        Assert.Matches("^2026|^20[2-9][0-9]-", tip.GetProperty("time").GetString());

        var addressB = await b.AskAsync("address");
        var txId = await a.AskAsync($"send {addressB} 1.5");
        var entered = await watcherB.NotificationAsync(mempoolOfB, r => r.GetProperty("transaction").GetProperty("id").GetString() == txId, "A's transaction entering B's mempool");
        Assert.Equal("pending", entered.GetProperty("status").GetString());
        Assert.Equal(addressB, entered.GetProperty("transaction").GetProperty("recipient").GetString());
        Assert.Equal("1.5", entered.GetProperty("transaction").GetProperty("amount").GetString());

        Assert.Equal(0, await b.QuitAsync());
        var left = await watcherA.NotificationAsync(peersOfA, r => r.GetProperty("event").GetString() == "disconnected", "B leaving A");
        Assert.Equal(b.NodeId, left.GetProperty("peer").GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task Subscribe_TwoChainsJoin_ReorganisationNotified()
    {
        await using var a = await NodeProcess.StartAsync("A", _folder.Combine("a"));
        await using var b = await NodeProcess.StartAsync("B", _folder.Combine("b"));
        await using var watcher = await SubscriberClient.ConnectAsync(await RpcEndpoint.OfAsync(a, _folder.Combine("a")));
        var tips = await watcher.SubscribeAsync("tips");

        var minedA = (await a.CommandAsync("mine 2")).Select(line => line.Split(' ')[1]).ToList();
        await watcher.NotificationAsync(tips, r => r.GetProperty("hash").GetString() == minedA[1], "A's own second block");
        var minedB = (await b.CommandAsync("mine 4")).Select(line => line.Split(' ')[1]).ToList();

        // A joins B, whose chain has more work: A's two blocks leave its best chain.
        Assert.Equal($"connected {b.Endpoint}", await a.AskAsync($"connect {b.Endpoint}"));
        var moved = await watcher.NotificationAsync(tips, r => r.GetProperty("reorg").ValueKind != JsonValueKind.Null, "the reorganisation to B's chain");
        var reorg = moved.GetProperty("reorg");
        Assert.Equal(2, reorg.GetProperty("depth").GetInt32());
        Assert.Equal(minedA[1], reorg.GetProperty("oldTip").GetString());
        Assert.Equal(2u, reorg.GetProperty("oldHeight").GetUInt32());
        Assert.Equal(0u, reorg.GetProperty("forkHeight").GetUInt32());
        Assert.Equal([minedA[1], minedA[0]], reorg.GetProperty("disconnected").EnumerateArray().Select(h => h.GetString()!));
        var height = moved.GetProperty("height").GetUInt32();
        Assert.Equal(minedB[(int)height - 1], moved.GetProperty("hash").GetString());
        Assert.Equal((int)height, moved.GetProperty("connected").GetInt32());
        if (height < 4)
        {
            await watcher.NotificationAsync(tips, r => r.GetProperty("hash").GetString() == minedB[3], "B's tip after the reorganisation");
        }
    }

    [Fact]
    public async Task Subscribe_SubscriberNeverReads_DroppedWhileOthersAreServed()
    {
        await using var node = await NodeProcess.StartAsync("node", _folder.Combine("n"));
        var api = await RpcEndpoint.OfAsync(node, _folder.Combine("n"));
        await using var slow = await RawWebSocket.ConnectAsync(api);
        await slow.SendTextAsync("""{"jsonrpc":"2.0","id":1,"method":"subscribe","params":["tips"]}""");
        var (_, answer) = await slow.ReceiveFrameAsync();
        Assert.Contains("\"result\":", Encoding.UTF8.GetString(answer), StringComparison.Ordinal);
        await using var steady = await SubscriberClient.ConnectAsync(api);
        var tips = await steady.SubscribeAsync("tips");

        // The slow client reads nothing more: once its socket's buffers and its queue are full, the node drops it.
        const int Batch = 250;
        for (var round = 1; !node.Log.Contains("JSON-RPC subscriber", StringComparison.Ordinal); round++)
        {
            Assert.True(round <= 60, $"not dropped after {(round - 1) * Batch} blocks");
            Assert.Equal(Batch, (await node.CommandAsync($"mine {Batch}")).Count);
        }

        await node.WaitForLogAsync(new(@"JSON-RPC subscriber 127\.0\.0\.1:\d+ dropped"));

        // The dropped client takes what was already on its way, then the close frame (read at once: the node gives
        // a client that never takes it 15 s before it aborts the connection).
        var closing = slow.ReadUntilCloseAsync();
        var last = (await node.CommandAsync("mine 1"))[0].Split(' ')[1];
        await steady.NotificationAsync(tips, r => r.GetProperty("hash").GetString() == last, "the steady subscriber's notification of the last block");
        Assert.Equal(last, (await steady.CallAsync("status", "[]")).GetProperty("result").GetProperty("tip").GetString());

        int status;
        string reason;
        try
        {
            (status, reason) = await closing;
        }
        catch (IOException e)
        {
            throw new IOException($"{e.Message}\nLog:\n{node.Log}", e);
        }

        Assert.Equal((int)WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal(WebSocketSession.DropReason, reason);
    }

    [Fact]
    public async Task Subscribe_BadTopicHttpCapsAndTokens_Refused()
    {
        await using var node = await NodeProcess.StartAsync("node", _folder.Combine("n"));
        var api = await RpcEndpoint.OfAsync(node, _folder.Combine("n"));

        using var http = new HttpClient { BaseAddress = new Uri($"http://{api.Endpoint}/"), Timeout = NodeProcess.Timeout };
        const string Subscribe = """{"jsonrpc":"2.0","id":1,"method":"subscribe","params":["tips"]}""";
        using (var refused = await http.PostAsync($"?token={api.Secret}", new StringContent(Subscribe)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode); // the URL token opens the WebSocket only
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Secret);
        using (var overHttp = await http.PostAsync(string.Empty, new StringContent(Subscribe)))
        {
            var error = JsonDocument.Parse(await overHttp.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal(-32601, error.GetProperty("code").GetInt32());
            Assert.Contains("WebSocket only", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using var wrongToken = new ClientWebSocket();
        var e = await Assert.ThrowsAsync<WebSocketException>(() => wrongToken.ConnectAsync(new Uri($"ws://{api.Endpoint}/?token={new string('0', 64)}"), CancellationToken.None).WaitAsync(NodeProcess.Timeout));
        Assert.Contains("401", e.Message, StringComparison.Ordinal);

        await using var client = await SubscriberClient.ConnectAsync(api);
        var badTopic = await client.CallAsync("subscribe", """["blocks"]""");
        Assert.Equal(-32602, badTopic.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("no topic 'blocks'", badTopic.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(-32602, (await client.CallAsync("subscribe", "[]")).GetProperty("error").GetProperty("code").GetInt32());

        var ids = new List<string>();
        for (var i = 0; i < WebSocketSession.MaxSubscriptionsPerConnection; i++)
        {
            ids.Add(await client.SubscribeAsync(i % 2 == 0 ? "tips" : "mempool"));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        var over = await client.CallAsync("subscribe", """{"topic":"peers"}""");
        Assert.Equal(-32000, over.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains($"at most {WebSocketSession.MaxSubscriptionsPerConnection} subscriptions", over.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        Assert.True((await client.CallAsync("unsubscribe", $"""["{ids[0]}"]""")).GetProperty("result").GetBoolean());
        Assert.False((await client.CallAsync("unsubscribe", $"""["{ids[0]}"]""")).GetProperty("result").GetBoolean());
        var again = await client.SubscribeAsync("peers");

        // An unsubscribed id hears nothing more, while the others do: every tips notification of both blocks comes
        // through the one queue in order, so one for the first id would arrive before the last of the second block.
        var mined = (await node.CommandAsync("mine 2")).Select(line => line.Split(' ')[1]).ToList();
        var live = ids.Where((_, i) => i % 2 == 0).Skip(1).ToHashSet();
        var heard = new List<(string Subscription, string Hash)>();
        while (heard.Count(h => h.Hash == mined[1]) < live.Count)
        {
            var message = await client.NextAsync(m => m.TryGetProperty("params", out var p) && p.GetProperty("topic").GetString() == "tips", "the tips notifications of both blocks");
            heard.Add((message.GetProperty("params").GetProperty("subscription").GetString()!, message.GetProperty("params").GetProperty("result").GetProperty("hash").GetString()!));
        }

        Assert.Equal(2 * live.Count, heard.Count);
        Assert.All(heard, h => Assert.Contains(h.Subscription, live));
        Assert.DoesNotContain(again, live);
    }
}
