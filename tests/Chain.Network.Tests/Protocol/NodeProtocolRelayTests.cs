namespace Chain.Network.Tests.Protocol;

public sealed class NodeProtocolRelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Relay_LineOfFiveNodes_TransactionAndBlockReachTheEnd()
    {
        var nodes = await TestNode.StartManyAsync(5, output);
        try
        {
            var (a, e) = (nodes[0], nodes[^1]);
            var payer = TestBlocks.Key(0);
            var payee = TestBlocks.AddressOf(TestBlocks.Key(1));

            // Fund the payer at A before the line forms; the others sync it on connect.
            a.Chain.SubmitBlock(TestBlocks.Build(a.Chain.Tip, TestBlocks.AddressOf(payer)));
            await TestNode.ConnectLineAsync(nodes);
            foreach (var node in nodes)
            {
                await node.WaitUntilAsync(() => node.Chain.Tip.Hash == a.Chain.Tip.Hash, "the funding block");
            }

            var tx = TestBlocks.Transfer(payer, payee, 5_000, nonce: 0);
            Assert.True(a.Chain.SubmitTransaction(tx).IsValid);
            foreach (var node in nodes)
            {
                await node.WaitUntilAsync(() => node.Chain.GetMempoolTransaction(tx.Id) is not null, "the transaction in the mempool");
            }

            var block = a.Mine();
            Assert.Contains(block.Transactions, t => t.Id == tx.Id);
            foreach (var node in nodes)
            {
                await node.WaitUntilAsync(() => node.Chain.Tip.Hash == block.Hash, "A's block as tip");
                Assert.Equal(block.Hash, node.Chain.FindTransaction(tx.Id)?.Block?.Hash);
                Assert.Equal(0, node.Chain.MempoolCount);
                Assert.Equal(5_000, node.Chain.GetAccount(payee).Balance);
            }

            Assert.Equal(2u, e.Chain.Tip.Height);
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    internal static async Task DisposeAllAsync(IEnumerable<TestNode> nodes)
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
