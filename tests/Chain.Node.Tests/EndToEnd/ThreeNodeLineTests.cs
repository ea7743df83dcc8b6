using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>Three real nodes in a line, A - B - C: blocks and transactions cross two hops and every ledger agrees.</summary>
public sealed class ThreeNodeLineTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private NodeProcess? _a;
    private NodeProcess? _b;
    private NodeProcess? _c;

    public async Task InitializeAsync()
    {
        try
        {
            _a = await NodeProcess.StartAsync("A", _folder.Combine("a"));
            _b = await NodeProcess.StartAsync("B", _folder.Combine("b"), ["--peers", _a.Endpoint]);
            _c = await NodeProcess.StartAsync("C", _folder.Combine("c"), ["--peers", $"{_b.Endpoint}@{_b.NodeId}"]);
        }
        catch
        {
            // Nodes already started must not outlive a failed start of the others.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { _c, _b, _a })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        (_a, _b, _c) = (null, null, null);
        _folder.Dispose();
    }

    [Fact]
    public async Task SendFromAToC_TransactionAndBlocksCrossTwoHops_BalancesAgreeEverywhere()
    {
        var (a, b, c) = (_a!, _b!, _c!);
        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("peers") == "2", "B to see A and C", a, b, c);
        await NodeProcess.WaitUntilAsync(async () => await a.StatusAsync("peers") == "1" && await c.StatusAsync("peers") == "1", "A and C to see B", a, b, c);

        var peersOfB = await b.CommandAsync("peers");
        Assert.Equal(2, peersOfB.Count);
        Assert.Contains(peersOfB, line => Regex.IsMatch(line, $@"^127\.0\.0\.1:{a.Port} {a.NodeId} outbound since=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ ping=(-|\d+(\.\d+)?) sent=\d+ received=\d+$"));
        Assert.Contains(peersOfB, line => Regex.IsMatch(line, $@"^127\.0\.0\.1:\d+ {c.NodeId} inbound since=\S+Z ping=\S+ sent=\d+ received=\d+$"));

        var mined = await a.CommandAsync("mine 3");
        Assert.Equal(3, mined.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Matches($"^{i + 1} [0-9a-f]{{64}}$", mined[i]);
        }

        var addressA = await a.AskAsync("address");
        var addressB = await b.AskAsync("address");
        var addressC = await c.AskAsync("address");
        Assert.Matches("^chaindev1[02-9ac-hj-np-z]{38}$", addressC);
        Assert.Equal("50 immature=100", await a.AskAsync("balance")); // dev coinbases mature after 3 blocks

        var txId = await a.AskAsync($"send {addressC} 12.5");
        Assert.Matches("^[0-9a-f]{64}$", txId);

        // The transaction reaches C through B before any block holds it.
        await NodeProcess.WaitUntilAsync(async () => (await c.CommandAsync("mempool")).Any(l => l.StartsWith(txId, StringComparison.Ordinal)), "the transaction to reach C's mempool", a, b, c);
        Assert.Equal("status=pending", (await c.CommandAsync($"tx {txId}"))[^1]);

        var block = await a.AskAsync("mine");
        Assert.StartsWith("4 ", block, StringComparison.Ordinal);
        var tipHash = block[2..];
        foreach (var node in new[] { b, c })
        {
            await NodeProcess.WaitUntilAsync(async () => await node.StatusAsync("tip") == tipHash, $"{node.Name} to reach A's tip", a, b, c);
        }

        Assert.Equal($"status=confirmed height=4 block={tipHash}", (await c.CommandAsync($"tx {txId}"))[^1]);
        Assert.Contains(await c.CommandAsync("block 4"), line => line.Contains(txId, StringComparison.Ordinal));
        Assert.Empty(await c.CommandAsync("mempool"));
        Assert.Equal(await a.CommandAsync("chain 5"), await c.CommandAsync("chain 5"));

        foreach (var node in new[] { a, b, c })
        {
            Assert.Equal("87.49999 immature=100.00001", await node.AskAsync($"balance {addressA}"));
            Assert.Equal("0", await node.AskAsync($"balance {addressB}"));
            Assert.Equal("12.5", await node.AskAsync($"balance {addressC}"));
        }

        // A closes the line into a triangle from its console.
        Assert.Equal($"connected {c.Endpoint}", await a.AskAsync($"connect {c.Endpoint}"));
        await NodeProcess.WaitUntilAsync(async () => await c.StatusAsync("peers") == "2", "C to see A's new connection", a, b, c);
        Assert.Contains(await a.CommandAsync("peers"), line => line.StartsWith($"{c.Endpoint} {c.NodeId} outbound since=", StringComparison.Ordinal));

        Assert.Equal("12.5", await c.AskAsync("balance"));
        var history = await c.CommandAsync("history");
        Assert.Equal([$"4 {txId} +12.5 {addressA}"], history);
    }
}
