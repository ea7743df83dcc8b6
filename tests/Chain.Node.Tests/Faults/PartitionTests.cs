using System.Text.Json;
using Chain.Node.Tests.EndToEnd;

namespace Chain.Node.Tests.Faults;

/// <summary>
/// Four real node processes split into two halves; each half mines, a double spend goes to both halves, and a
/// plain transfer is confirmed only on the losing side. When the halves reconnect every node ends on the same
/// tip with the same balances, the losing spend is gone, and the plain transfer is not lost.
/// </summary>
public class PartitionTests
{
    [Fact]
    public async Task HalvesMineApartWithDoubleSpend_ReconnectAgreeOnMostWorkAndLoseNothingValid()
    {
        using var folder = new TempFolder();

        // A holds wallet W; C holds the same key (imported), so each half can spend W's coins.
        await using var a = await NodeProcess.StartAsync("A", folder.Combine("a"));
        var keyFile = folder.Combine("w.pem");
        await File.WriteAllTextAsync(keyFile, PrivateKeyPem(folder.Combine("a", "wallet.json")));
        await using var b = await NodeProcess.StartAsync("B", folder.Combine("b"), ["--peers", a.Endpoint]);
        var c = await NodeProcess.StartAsync("C", folder.Combine("c"), ["--peers", b.Endpoint, "--import-key", keyFile]);
        var d = await NodeProcess.StartAsync("D", folder.Combine("d"), ["--peers", c.Endpoint]);
        var w = await a.AskAsync("address");
        Assert.Equal(w, await c.AskAsync("address"));
        var x = new string('8', 40);
        var y = new string('9', 40);
        var z = new string('7', 40);

        await a.CommandAsync("mine 3");
        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("height") == "3", "B to sync A's blocks", a, b);
        await b.CommandAsync("mine 1");
        var funded = await b.StatusAsync("tip");
        await NodeProcess.WaitUntilAsync(async () => await d.StatusAsync("tip") == funded, "D to sync the funding blocks", a, b, c, d);

        // Partition: C and D are cut off (killed: their blocks are already on disk) and restart linked only to
        // each other. A clean quit is the restart tests' business, not this one's.
        await c.TerminateAsync("KILL");
        await d.TerminateAsync("KILL");
        await d.DisposeAsync();
        await c.DisposeAsync();
        d = await NodeProcess.StartAsync("D", folder.Combine("d"));
        c = await NodeProcess.StartAsync("C", folder.Combine("c"), ["--peers", d.Endpoint]);
        await using var dOwner = d;
        await using var cOwner = c;
        await NodeProcess.WaitUntilAsync(async () => await c.StatusAsync("peers") == "1", "C and D to link", c, d);

        // The double spend: nonce 0 of W pays X on one side and Y on the other.
        var toX = await a.AskAsync($"send {x} 10");
        var toY = await c.AskAsync($"send {y} 20");
        Assert.NotEqual(toX, toY);

        // A plain transfer from B's own wallet, confirmed only on the losing side.
        var plain = await b.AskAsync($"send {z} 1.5");
        await NodeProcess.WaitUntilAsync(async () => await a.StatusAsync("mempool") == "2", "A to hold both transfers", a, b);
        await a.CommandAsync("mine 1");

        // The other side mines more blocks (4 against 1), so it wins.
        await NodeProcess.WaitUntilAsync(async () => await d.StatusAsync("mempool") == "1", "D to learn of the spend to Y", c, d);
        await c.CommandAsync("mine 4");

        // Heal the partition.
        Assert.Equal($"connected {c.Endpoint}", await b.AskAsync($"connect {c.Endpoint}"));
        var winner = await c.StatusAsync("tip");
        NodeProcess[] all = [a, b, c, d];
        foreach (var node in all)
        {
            await NodeProcess.WaitUntilAsync(async () => await node.StatusAsync("tip") == winner, $"{node.Name} to reach the winning tip", all);
        }

        foreach (var node in all)
        {
            Assert.Equal("0", await node.AskAsync($"balance {x}"));
            Assert.Equal("20", await node.AskAsync($"balance {y}"));
            Assert.StartsWith("error:", await node.AskAsync($"tx {toX}"));
        }

        // The plain transfer went back to the mempool and reaches a block on the winning chain.
        await NodeProcess.WaitUntilAsync(async () => (await c.CommandAsync($"tx {plain}")).Any(l => l.StartsWith("status=", StringComparison.Ordinal)), "C to know the plain transfer", all);
        await c.CommandAsync("mine 1");
        var final = await c.StatusAsync("tip");
        foreach (var node in all)
        {
            await NodeProcess.WaitUntilAsync(async () => await node.StatusAsync("tip") == final, $"{node.Name} to reach the final tip", all);
            Assert.Equal("1.5", await node.AskAsync($"balance {z}"));
            Assert.Equal(await c.AskAsync($"balance {w}"), await node.AskAsync($"balance {w}"));
        }
    }

    private static string PrivateKeyPem(string walletJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(walletJson));
        return document.RootElement.GetProperty("privateKey").GetString()!;
    }
}
