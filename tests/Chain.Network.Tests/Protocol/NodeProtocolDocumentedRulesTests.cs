using Chain.Network.Messages;

namespace Chain.Network.Tests.Protocol;

/// <summary>Rules PROTOCOL.md 9 states exactly, checked on a real node: how the answer to a getdata ends, lower-case ids.</summary>
public sealed class NodeProtocolDocumentedRulesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GetData_EverythingFound_NoNotFound()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var block = node.Mine();
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);

        peer.Send(new GetDataMessage([], [block.Hash.ToString()]));
        await peer.WaitForAsync<BlockMessage>(b => b.Block.AsSpan().SequenceEqual(block.Encode()));

        // A notfound would come before the answer to a request sent after the getdata.
        peer.Send(new GetBlocksMessage([block.Hash.ToString()]));
        await peer.WaitForAsync<BlocksMessage>();
        Assert.Empty(peer.ReceivedOf<NotFoundMessage>());
    }

    [Fact]
    public async Task GetData_Empty_NoReplyAndNoPunishment()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);

        peer.Send(new GetDataMessage([], []));
        peer.Send(new GetBlocksMessage([node.Chain.Tip.Hash.ToString()]));
        await peer.WaitForAsync<BlocksMessage>();

        Assert.Empty(peer.ReceivedOf<NotFoundMessage>());
        Assert.True(peer.Connection.IsConnected);
    }

    [Fact]
    public async Task GetData_SomeMissing_OneNotFoundListsThemAfterWhatWasSent()
    {
        await using var node = await TestNode.StartAsync("node", output);
        var block = node.Mine();
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);
        var unknownTx = new string('a', 64);
        var unknownBlock = new string('b', 64);

        peer.Send(new GetDataMessage([unknownTx], [unknownBlock, block.Hash.ToString()]));

        var end = await peer.WaitForAsync<NotFoundMessage>();
        Assert.Equal([unknownTx], end.Txs);
        Assert.Equal([unknownBlock], end.Blocks);
        var received = peer.Received;
        var blockAt = received.FindIndex(m => m is BlockMessage b && b.Block.AsSpan().SequenceEqual(block.Encode()));
        Assert.InRange(blockAt, 0, received.FindIndex(m => m is NotFoundMessage) - 1);
    }

    [Fact]
    public async Task Inv_UpperCaseId_RefusedAsInvalidData()
    {
        await using var node = await TestNode.StartAsync("node", output);
        await using var peer = await ProtocolPeer.StartAsync();
        await peer.ConnectAsync(node);

        peer.Send(new InvMessage([], [node.Chain.Tip.Hash.ToString().ToUpperInvariant()]));

        Assert.Contains("lower-case", await peer.WaitPunishedAsync());
    }
}
