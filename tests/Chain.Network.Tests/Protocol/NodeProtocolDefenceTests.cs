using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Peers;

namespace Chain.Network.Tests.Protocol;

public sealed class NodeProtocolDefenceTests(ITestOutputHelper output)
{
    private static string Id(string seed) => Hash256.Compute(System.Text.Encoding.UTF8.GetBytes(seed)).ToString();

    public static TheoryData<string, string> BadPayloads => new()
    {
        { "malformed JSON", "{\"type\":\"inv\",\"txs\":[" },
        { "deep nesting", "{\"type\":\"inv\",\"txs\":" + new string('[', 40) + new string(']', 40) + ",\"blocks\":[]}" },
        { "unknown type", "{\"type\":\"ping\",\"txs\":[],\"blocks\":[]}" },
        { "wrong types", "{\"type\":\"inv\",\"txs\":\"none\",\"blocks\":7}" },
        { "id not hex", "{\"type\":\"inv\",\"txs\":[\"" + new string('z', 64) + "\"],\"blocks\":[]}" },
        { "short id", "{\"type\":\"getdata\",\"txs\":[],\"blocks\":[\"abcd\"]}" },
        { "bad base64", "{\"type\":\"block\",\"block\":\"***not base64***\"}" },
        { "undecodable tx", "{\"type\":\"tx\",\"txs\":[\"AAAA\"]}" },
        { "overlong inv", "{\"type\":\"inv\",\"txs\":[" + string.Join(',', Enumerable.Range(0, InvMessage.MaxIds + 1).Select(_ => "\"" + Id("x") + "\"")) + "],\"blocks\":[]}" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task BadPayload_Disconnected_DiscouragedAndOthersStillServed(string what, string json)
    {
        var (node, honest) = await StartPairAsync();
        await using var _ = node;
        await using var __ = honest;
        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);

        Assert.True(attacker.SendJson(json), what);
        Assert.StartsWith(DisconnectCode.InvalidData, await attacker.WaitPunishedAsync());
        await AssertRefusedThenServesOthersAsync(node, honest, attacker);
    }

    [Fact]
    public async Task Inv_PaddedToTheFrameLimitWithAnUnknownProperty_Disconnected_Discouraged()
    {
        // An exactly 4 MiB message: an inv plus an unknown property of padding. It was accepted (the padding
        // skipped) without penalty, so a peer could make every message cost the most a frame allows.
        var (node, honest) = await StartPairAsync();
        await using var _ = node;
        await using var __ = honest;
        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);

        var head = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"inv\",\"txs\":[\"" + Id("padded") + "\"],\"blocks\":[],\"padding\":\"");
        var payload = new byte[Chain.Network.Transport.FrameCipher.MaxPayloadSize];
        payload.AsSpan().Fill((byte)'a');
        head.CopyTo(payload, 0);
        "\"}"u8.CopyTo(payload.AsSpan(payload.Length - 2));

        Assert.True(attacker.SendRaw(payload));
        Assert.Contains("padding", await attacker.WaitPunishedAsync());
        await AssertRefusedThenServesOthersAsync(node, honest, attacker);
    }

    [Fact]
    public async Task Transaction_BadSignature_DisconnectedDiscouraged_HonestOneAcceptedFromAnotherPeer()
    {
        var (node, honest) = await StartPairAsync();
        await using var _ = node;
        await using var __ = honest;
        var payer = TestBlocks.Key(0);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        var good = TestBlocks.Transfer(payer, honest.MinerAddress, 1_000, nonce: 0);
        var signature = (byte[])good.Signature.Clone();
        signature[10] ^= 1;
        var forged = Transaction.FromParts(good.Network, good.SenderPublicKey, good.Recipient, good.Amount, good.Fee, good.Nonce, signature);

        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);
        attacker.Send(new TxMessage([forged.Encode()]));
        Assert.Contains("BadSignature", await attacker.WaitPunishedAsync());
        Assert.Null(node.Chain.GetMempoolTransaction(good.Id));

        await using var other = await ProtocolPeer.StartAsync();
        await other.ConnectAsync(node);
        other.Send(new TxMessage([good.Encode()]));
        await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(good.Id) is not null, "the honest transaction");
        await AssertRefusedThenServesOthersAsync(node, honest, attacker);
    }

    [Theory]
    [InlineData("InsufficientWork")]
    [InlineData("BadMerkleRoot")]
    public async Task Block_Invalid_DisconnectedDiscouraged_HonestVersionAcceptedFromAnotherPeer(string error)
    {
        var (node, honest) = await StartPairAsync();
        await using var _ = node;
        await using var __ = honest;
        var good = TestBlocks.Build(node.Chain.Tip, honest.MinerAddress);
        var bad = error == "InsufficientWork"
            ? new Block(TestBlocks.Unsolve(good.Header), good.Transactions)

            // Same header (so the same hash) as the honest block, other transactions.
            : new Block(good.Header, [Transaction.CreateCoinbase(TestBlocks.Dev.Magic, node.MinerAddress, 1, good.Height)]);

        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);
        attacker.Send(new BlockMessage(bad.Encode()));
        Assert.Contains(error, await attacker.WaitPunishedAsync());
        Assert.Equal(0u, node.Chain.Tip.Height);

        await using var other = await ProtocolPeer.StartAsync();
        await other.ConnectAsync(node);
        other.Send(new BlockMessage(good.Encode()));
        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == good.Hash, "the honest block");
        await honest.WaitUntilAsync(() => honest.Chain.Tip.Hash == good.Hash, "the honest block relayed");
        await AssertRefusedThenServesOthersAsync(node, honest, attacker);
    }

    [Fact]
    public async Task Block_TimestampTooFarAhead_RefusedButNotPunished()
    {
        var (node, honest) = await StartPairAsync();
        await using var _ = node;
        await using var __ = honest;
        var future = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + NetworkParameters.MaxFutureSeconds + 3_600;
        var block = TestBlocks.Build(node.Chain.Tip, honest.MinerAddress, timestamp: future);

        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        peer.Send(new BlockMessage(block.Encode()));
        peer.Send(new GetBlocksMessage([]));
        await peer.WaitForAsync<BlocksMessage>();
        Assert.True(peer.Connection.IsConnected);
        Assert.False(node.Protocol.IsDiscouraged(peer.NodeId));
        Assert.Equal(0u, node.Chain.Tip.Height);
    }

    [Fact]
    public async Task OrphanFlood_OrphanPoolStaysCapped_NodeKeepsServing()
    {
        var (node, honest) = await StartPairAsync();
        await using var _ = node;
        await using var __ = honest;
        var orphans = Enumerable.Range(0, OrphanPool.DefaultCapacity + 200)
            .Select(i => TestBlocks.Build(Hash256.Compute(BitConverter.GetBytes(i)), 5, TestBlocks.Dev.GenesisTimestamp, TestBlocks.Dev.PowLimitBits, node.MinerAddress))
            .ToList();

        // The whole flood is queued at once: the flooder's own send queue must hold it however slowly its writer
        // drains on a loaded machine (with the default 1,024 frames it closed itself as a slow peer).
        await using var flooder = await ProtocolPeer.StartAsync(configure: o => o.SendQueueCapacity = orphans.Count + 1);
        await flooder.ConnectAsync(node);
        foreach (var orphan in orphans)
        {
            Assert.True(flooder.Send(new BlockMessage(orphan.Encode())));
        }

        // The last one is processed once the node answers a request sent after it.
        flooder.Send(new GetBlocksMessage([]));
        await flooder.WaitForAsync<BlocksMessage>();
        Assert.True(node.Chain.KnowsBlock(orphans[^1].Hash));
        Assert.InRange(orphans.Count(o => node.Chain.KnowsBlock(o.Hash)), 1, OrphanPool.DefaultCapacity);
        Assert.True(flooder.Connection.IsConnected, "orphans are not misbehaviour");

        honest.Mine();
        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == honest.Chain.Tip.Hash, "the honest block");
    }

    [Fact]
    public async Task Flood_MaximalAnnouncements_OtherPeersBlockHandledBeforeTheRestOfTheFlood()
    {
        var nodes = await TestNode.StartManyAsync(3, output);
        try
        {
            var (miner, node, receiver) = (nodes[0], nodes[1], nodes[2]);
            await TestNode.ConnectLineAsync(nodes);
            await using var flooder = await ProtocolPeer.StartAsync(configure: o => o.MaxQueuedBytes = 64L * Chain.Network.Transport.FrameCipher.MaxPayloadSize);
            await flooder.ConnectAsync(node);

            // Near-maximal inv messages of fresh, well-formed but unknown ids: each costs the node lookups
            // and a getdata.
            const int floodMessages = 16;
            var random = new Random(1);
            var payloads = Enumerable.Range(0, floodMessages).Select(_ =>
            {
                var ids = new List<string>(InvMessage.MaxIds);
                var bytes = new byte[Hash256.Size];
                for (var i = 0; i < InvMessage.MaxIds; i++)
                {
                    random.NextBytes(bytes);
                    ids.Add(new Hash256(bytes).ToString());
                }

                return MessageCodec.Encode(new InvMessage(ids, []));
            }).ToList();

            // Half the flood; then a block reaches the node from the miner (its frame read); then the other half and
            // a getblocks. A fair node handles the block before the second half it read later, so it has the block
            // when it answers the getblocks; a node busy with the flooder until it runs dry does not. No bound on
            // time: on a slow machine everything is slower, the order is the same.
            foreach (var payload in payloads[..(floodMessages / 2)])
            {
                Assert.True(flooder.SendRaw(payload));
            }

            var fromMiner = node.Peers.FindPeer(miner.NodeId)!;
            var framesBefore = fromMiner.FramesReceived;
            var started = DateTime.UtcNow;
            var block = miner.Mine();
            var relayed = Task.Run(async () =>
            {
                await receiver.WaitUntilAsync(() => receiver.Chain.Tip.Hash == block.Hash, "the block across the flooded node");
                return DateTime.UtcNow - started;
            });
            await node.WaitUntilAsync(() => fromMiner.FramesReceived > framesBefore, "the block's frame from the miner");
            foreach (var payload in payloads[(floodMessages / 2)..])
            {
                Assert.True(flooder.SendRaw(payload));
            }

            flooder.Send(new GetBlocksMessage([]));
            await flooder.WaitForAsync<BlocksMessage>();
            var tipAtTheEnd = node.Chain.Tip.Hash;
            var floodTime = DateTime.UtcNow - started;
            var relayTime = await relayed.WaitAsync(TestSupport.Timeout);
            output.WriteLine($"block at the receiver {relayTime.TotalMilliseconds:F0} ms after it was mined; the flood's end answered after {floodTime.TotalMilliseconds:F0} ms");
            Assert.Equal(block.Hash, tipAtTheEnd);
        }
        finally
        {
            await NodeProtocolRelayTests.DisposeAllAsync(nodes);
        }
    }

    private async Task<(TestNode Node, TestNode Honest)> StartPairAsync()
    {
        var node = await TestNode.StartAsync("node", output);
        var honest = await TestNode.StartAsync("honest", output);
        await honest.ConnectToAsync(node);
        return (node, honest);
    }

    // The misbehaving peer is refused on reconnect, and the node still relays an honest peer's block.
    private static async Task AssertRefusedThenServesOthersAsync(TestNode node, TestNode honest, ProtocolPeer attacker)
    {
        Assert.True(node.Protocol.IsDiscouraged(attacker.NodeId));
        Assert.Equal(PeerConnection.PeerDisconnectedPrefix + DisconnectCode.Discouraged, await attacker.ReconnectRefusedReasonAsync(node));
        var block = honest.Mine();
        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "the honest peer's block after the attack");
    }
}
