using System.Net.Sockets;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Network.Handshake;
using Chain.Network.Messages;
using Chain.Network.Peers;
using Chain.Network.Protocol;

namespace Chain.Network.Tests.Protocol;

/// <summary>
/// The misbehaving-peer cases of the hostile-input issue not covered by <see cref="NodeProtocolDefenceTests"/>:
/// invalid transactions and blocks of every kind over a real encrypted connection (disconnect and discourage
/// where only a broken or hostile sender could send it, plain refusal where an honest race could), and a
/// burst of 200 connection attempts against the inbound caps.
/// </summary>
public sealed class MisbehavingPeerTests(ITestOutputHelper output)
{
    public static TheoryData<string> PunishableTransactions => ["negative amount", "overflowing amount", "wrong network"];

    [Theory]
    [MemberData(nameof(PunishableTransactions))]
    public async Task Transaction_Invalid_DisconnectedAndDiscouraged(string what)
    {
        await using var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(1);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        var to = node.MinerAddress;
        var tx = what switch
        {
            "negative amount" => Transaction.CreateSigned(payer, TestBlocks.Dev.Magic, to, -5, 1_000, 0),
            "overflowing amount" => Transaction.CreateSigned(payer, TestBlocks.Dev.Magic, to, Money.MaxSupply, Money.MaxSupply, 0),
            _ => Transaction.CreateSigned(payer, NetworkParameters.Main.Magic, to, 5, 1_000, 0),
        };

        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);
        attacker.Send(new TxMessage([tx.Encode()]));

        Assert.StartsWith(DisconnectCode.InvalidData, await attacker.WaitPunishedAsync());
        Assert.True(node.Protocol.IsDiscouraged(attacker.NodeId));
        Assert.Equal(0, node.Chain.MempoolCount);

        // The honest transfer from the same payer is still taken from someone else.
        await using var other = await ProtocolPeer.StartAsync();
        await other.ConnectAsync(node);
        var honest = TestBlocks.Transfer(payer, to, 5, nonce: 0);
        other.Send(new TxMessage([honest.Encode()]));
        await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(honest.Id) is not null, "the honest transfer");
    }

    [Fact]
    public async Task Transaction_ReplayedNonce_RefusedButPeerKept()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(1);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        var first = TestBlocks.Transfer(payer, node.MinerAddress, 5, nonce: 0);
        Assert.Equal(BlockStatus.Connected, node.Chain.SubmitBlock(TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [first])).Status);
        var replay = TestBlocks.Transfer(payer, node.MinerAddress, 6, nonce: 0);

        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        peer.Send(new TxMessage([replay.Encode()]));
        peer.Send(new GetBlocksMessage([]));
        await peer.WaitForAsync<BlocksMessage>();

        // A nonce already used is what an honest peer sends when it lags a block: refused, not punished.
        Assert.Null(node.Chain.GetMempoolTransaction(replay.Id));
        Assert.True(peer.Connection.IsConnected);
        Assert.False(node.Protocol.IsDiscouraged(peer.NodeId));
    }

    public static TheoryData<string> InvalidBlocks => ["BadCoinbase", "DuplicateTransaction"];

    [Theory]
    [MemberData(nameof(InvalidBlocks))]
    public async Task Block_Invalid_DisconnectedDiscouraged_HonestVersionAccepted(string error)
    {
        await using var node = await TestNode.StartAsync("node", output);
        var payer = TestBlocks.Key(2);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        var tip = node.Chain.Tip;
        var transfer = TestBlocks.Transfer(payer, node.MinerAddress, 5, nonce: 0);
        var good = TestBlocks.Build(tip, node.MinerAddress, [transfer]);
        var bad = error == "BadCoinbase"
            ? Excessive(tip, node)
            : TestBlocks.Build(tip, node.MinerAddress, [transfer, transfer]);

        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);
        attacker.Send(new BlockMessage(bad.Encode()));
        Assert.Contains(error, await attacker.WaitPunishedAsync());
        Assert.True(node.Protocol.IsDiscouraged(attacker.NodeId));
        Assert.Equal(tip.Hash, node.Chain.Tip.Hash);

        await using var other = await ProtocolPeer.StartAsync();
        await other.ConnectAsync(node);
        other.Send(new BlockMessage(good.Encode()));
        await node.WaitUntilAsync(() => node.Chain.Tip.Hash == good.Hash, "the honest block");
    }

    [Fact]
    public async Task ConnectionBurst_TwoHundredAttempts_CapsHoldAndExistingPeerKeepsExchangingBlocks()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var honest = await TestNode.StartAsync("honest", output);
        await honest.ConnectToAsync(node);

        var sockets = new List<Socket>();
        try
        {
            var attempts = Enumerable.Range(0, 200).Select(async _ =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                lock (sockets)
                {
                    sockets.Add(socket);
                }

                try
                {
                    await socket.ConnectAsync(node.EndPoint).WaitAsync(TestSupport.Timeout);
                }
                catch (SocketException)
                {
                }
            });
            await Task.WhenAll(attempts);

            // Everything beyond the per-address cap (the honest peer holds one slot) is reset; the ones within it
            // are held until the handshake timeout, which the tests set to the hang guard.
            await WaitUntil.Async(() => sockets.Count(StillOpen) < PeerManagerOptions.DefaultMaxInboundPerAddress, "the connections beyond the per-address cap to be reset");
            output.WriteLine($"{sockets.Count(StillOpen)} of {sockets.Count} raw connections still open");

            var block = honest.Mine();
            await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "the honest peer's block during the burst");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task InboundSlotsFull_NewcomersEvictIdlePeers_PeerThatGaveABlockKept()
    {
        // 32 peers that only ping used to hold the inbound slots for ever: newcomers were reset at accept. Now a
        // newcomer evicts the youngest unprotected peer of the most represented group; a peer that gave a block is
        // protected even when it is the youngest.
        const int slots = 4;
        await using var node = await TestNode.StartAsync("node", output, o =>
        {
            o.MaxInbound = slots;
            o.MaxInboundPerAddress = o.MaxInboundPerGroup = 16;
        });
        var peers = new List<ProtocolPeer>();
        try
        {
            for (var i = 0; i < slots - 1; i++)
            {
                var idle = await ProtocolPeer.StartAsync();
                peers.Add(idle);
                await idle.ConnectAsync(node);
            }

            var giver = await ProtocolPeer.StartAsync();
            peers.Add(giver);
            await giver.ConnectAsync(node);
            var block = TestBlocks.Build(node.Chain.Tip, node.MinerAddress);
            giver.Send(new BlockMessage(block.Encode()));
            await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "the giver's block");

            var evicted = PeerConnection.PeerDisconnectedPrefix + DisconnectCode.Evicted;
            for (var round = 1; round <= 5; round++)
            {
                var newcomer = await ProtocolPeer.StartAsync();
                peers.Add(newcomer);
                await newcomer.ConnectAsync(node);
                await WaitUntil.Async(() => peers.Count(p => p.Connection.DisconnectReason == evicted) == round, $"eviction {round}");
                Assert.True(giver.Connection.IsConnected, $"the peer that gave a block was evicted in round {round}");
            }

            // The evicted peers' slots were given back: the node holds its cap, no more.
            await WaitUntil.Async(() => node.Peers.InboundCount == slots, "the inbound count to settle at the cap");
            Assert.Equal(slots, peers.Count(p => p.Connection.IsConnected));
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Block_TamperedCopyThenHonestFromAnotherPeer_HonestBytesForwarded()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var observer = await TestNode.StartAsync("observer", output);
        var payer = TestBlocks.Key(2);
        TestBlocks.Fund(node.Chain, TestBlocks.AddressOf(payer));
        for (var height = 1u; height <= node.Chain.Tip.Height; height++)
        {
            Assert.Equal(BlockStatus.Connected, observer.Chain.SubmitBlock(node.Chain.GetBlockByHeight(height)!.Block).Status);
        }

        await observer.ConnectToAsync(node);

        // One signature bit flipped: signatures are outside the ids and the Merkle root, so the hash is the same.
        var transfer = TestBlocks.Transfer(payer, node.MinerAddress, 5, nonce: 0);
        var honest = TestBlocks.Build(node.Chain.Tip, node.MinerAddress, [transfer]);
        var signature = (byte[])transfer.Signature.Clone();
        signature[10] ^= 1;
        var forged = Transaction.FromParts(transfer.Network, transfer.SenderPublicKey, transfer.Recipient, transfer.Amount, transfer.Fee, transfer.Nonce, signature);
        var tampered = new Block(honest.Header, [honest.Transactions[0], forged]);
        Assert.Equal(honest.Hash, tampered.Hash);

        await using var attacker = await ProtocolPeer.StartAsync();
        await attacker.ConnectAsync(node);
        attacker.Send(new BlockMessage(tampered.Encode()));
        Assert.Contains("BadSignature", await attacker.WaitPunishedAsync());

        // The honest block arrives another way (a blocks batch); the observer lacks its transaction, so the node
        // sends it the whole block: the honest bytes, never the tampered message it kept.
        await using var relayer = await ProtocolPeer.StartAsync();
        await relayer.ConnectAsync(node);
        relayer.Send(new BlocksMessage([honest.Encode()], false));
        await observer.WaitUntilAsync(() => observer.Chain.Tip.Hash == honest.Hash, "the honest block from the node");
        Assert.False(observer.Protocol.IsDiscouraged(node.NodeId));
        Assert.True(observer.Peers.FindPeer(node.NodeId)?.IsConnected);
    }

    [Fact]
    public async Task GetData_OneBlockIdRepeated_AnsweredOnce()
    {
        await using var node = await TestNode.StartAsync("node", output);
        TestBlocks.Extend(node.Chain, node.MinerAddress, 1);
        var block = node.Chain.Tip.Block;
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);

        peer.Send(new GetDataMessage([], [.. Enumerable.Repeat(block.Hash.ToString(), 500)]));
        peer.Send(new GetBlocksMessage([block.Hash.ToString()]));
        await peer.WaitForAsync<BlocksMessage>();

        // One encoding and one message for the one block, however often it was asked for (was 500).
        Assert.Single(peer.ReceivedOf<BlockMessage>());
        Assert.Empty(peer.ReceivedOf<NotFoundMessage>());
    }

    [Fact]
    public async Task GetData_OverBlockCap_FirstServedRestNotFound()
    {
        await using var node = await TestNode.StartAsync("node", output);
        TestBlocks.Extend(node.Chain, node.MinerAddress, 3);
        var blocks = Enumerable.Range(1, 3).Select(h => node.Chain.GetBlockByHeight((uint)h)!.Block).ToList();
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        var unknown = Hash256.Compute("no such block"u8).ToString();

        // 600 distinct ids: only the first MaxBlocksPerGetData are looked at, the rest are notfound.
        var ids = blocks.Select(b => b.Hash.ToString()).Concat(Enumerable.Range(0, 600).Select(i => Hash256.Compute(BitConverter.GetBytes(i)).ToString())).Append(unknown).ToList();
        peer.Send(new GetDataMessage([], ids));
        var notFound = await peer.WaitForAsync<NotFoundMessage>();

        Assert.Equal(3, peer.ReceivedOf<BlockMessage>().Count);
        Assert.Equal(ids.Count - 3, notFound.Blocks.Count);
    }

    [Fact]
    public async Task Inv_ManyUnknownBlocks_OutstandingRequestsCappedAndLapse()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await TestNode.StartAsync("node", output, protocolTime: time);
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        var random = new Random(7);

        List<string> RandomIds(int count) => [.. Enumerable.Range(0, count).Select(_ =>
        {
            var bytes = new byte[Hash256.Size];
            random.NextBytes(bytes);
            return new Hash256(bytes).ToString();
        })];

        async Task<int> RequestedAfterAsync(int invs)
        {
            peer.ClearReceived();
            for (var i = 0; i < invs; i++)
            {
                peer.Send(new InvMessage([], RandomIds(5_000)));
            }

            peer.Send(new GetBlocksMessage([]));
            await peer.WaitForAsync<BlocksMessage>();
            return peer.ReceivedOf<GetDataMessage>().Sum(g => g.Blocks.Count);
        }

        // 50,000 announced unknown blocks: only the cap is requested (and remembered), the peer kept.
        Assert.Equal(NodeProtocol.MaxBlockRequestsPerPeer, await RequestedAfterAsync(10));
        Assert.Equal(0, await RequestedAfterAsync(1));

        // Unanswered requests lapse after RequestTimeout, making room again.
        time.Advance(NodeProtocol.RequestTimeout);
        Assert.Equal(NodeProtocol.MaxBlockRequestsPerPeer, await RequestedAfterAsync(1));
        Assert.True(peer.Connection.IsConnected);
    }

    [Theory]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0x8000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(16u * 1024 * 1024)]
    public async Task RawLengthPrefix_OverMaximumOrNegative_ConnectionClosedAtOnce(uint length)
    {
        // A node that waited for the announced bytes would hold the connection until its handshake timeout: far
        // beyond the test's hang guard, so only closing at once passes, however slow the machine.
        await using var node = await TestNode.StartAsync("node", output, o => o.HandshakeTimeout = TimeSpan.FromMinutes(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(node.EndPoint).WaitAsync(TestSupport.Timeout);
        var prefix = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(prefix, length);
        await socket.SendAsync(prefix);

        // The node answers nothing useful and closes: reading reaches the end (or a reset) well before any timeout.
        var buffer = new byte[64 * 1024];
        var closed = false;
        using var timeout = new CancellationTokenSource(TestSupport.Timeout);
        try
        {
            while (!closed)
            {
                closed = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0;
            }
        }
        catch (SocketException)
        {
            closed = true;
        }

        Assert.True(closed);
        Assert.False(timeout.IsCancellationRequested, "the node waited for the announced bytes instead of closing");
    }

    private static Block Excessive(BlockIndex tip, TestNode node)
    {
        var height = tip.Height + 1;
        var coinbase = Transaction.CreateCoinbase(TestBlocks.Dev.Magic, node.MinerAddress, TestBlocks.Dev.BlockReward(height) + 1, height);
        var header = new BlockHeader(BlockHeader.CurrentVersion, height, tip.Hash, MerkleTree.ComputeRoot([coinbase]), tip.Header.Timestamp + 1, TestBlocks.Dev.PowLimitBits, 0);
        return new Block(TestBlocks.Solve(header), [coinbase]);
    }

    // A socket the node reset or closed reads end-of-stream (or fails) at once; a held one has nothing to read yet.
    private static bool StillOpen(Socket socket)
    {
        if (!socket.Connected)
        {
            return false;
        }

        try
        {
            return !(socket.Poll(0, SelectMode.SelectRead) && socket.Receive(new byte[1], SocketFlags.Peek) == 0);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
