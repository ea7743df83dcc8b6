using System.Text.Json;
using Chain.Node.Tests.EndToEnd;

namespace Chain.Node.Tests.Faults;

/// <summary>What each half did while apart: the two spends of W's nonce 0, the plain transfer, and the winning tip.</summary>
internal sealed record SplitSpends(string W, string ToX, string ToY, string Plain, string Winner);

/// <summary>
/// The scenario both partition tests share, on nodes linked A – B – C – D where A and C hold the same wallet W: while
/// the halves (A, B) and (C, D) are apart, each spends W's nonce 0 to a different address, B's plain transfer is
/// confirmed only on A's side, and C's side mines more. After they reconnect, every node must agree.
/// </summary>
internal static class PartitionScenario
{
    public static readonly string X = Chain.Core.Ledger.NetworkParameters.Dev.FormatAddress(Chain.Core.Crypto.Address.Parse(new string('8', 40)));
    public static readonly string Y = Chain.Core.Ledger.NetworkParameters.Dev.FormatAddress(Chain.Core.Crypto.Address.Parse(new string('9', 40)));
    public static readonly string Z = Chain.Core.Ledger.NetworkParameters.Dev.FormatAddress(Chain.Core.Crypto.Address.Parse(new string('7', 40)));

    /// <summary>Runs the spends and the mining with the halves apart; returns what the checks need.</summary>
    public static async Task<SplitSpends> SpendApartAsync(NodeProcess a, NodeProcess b, NodeProcess c, NodeProcess d)
    {
        var w = await a.AskAsync("address");
        Assert.Equal(w, await c.AskAsync("address"));

        // The double spend: nonce 0 of W pays X on one side and Y on the other.
        var toX = await a.AskAsync($"send {X} 10");
        var toY = await c.AskAsync($"send {Y} 20");
        Assert.NotEqual(toX, toY);

        // A plain transfer from B's own wallet, confirmed only on the losing side.
        var plain = await b.AskAsync($"send {Z} 1.5");
        await NodeProcess.WaitUntilAsync(async () => await a.StatusAsync("mempool") == "2", "A to hold both transfers", a, b);
        await a.CommandAsync("mine 1");

        // The other side mines more blocks (4 against 1), so it wins.
        await NodeProcess.WaitUntilAsync(async () => await d.StatusAsync("mempool") == "1", "D to learn of the spend to Y", c, d);
        await c.CommandAsync("mine 4");
        var winner = await c.StatusAsync("tip");
        await NodeProcess.WaitUntilAsync(async () => await d.StatusAsync("tip") == winner, "D to sync C's blocks inside its half", c, d);
        return new SplitSpends(w, toX, toY, plain, winner);
    }

    /// <summary>
    /// After the reconnection: one tip everywhere, the losing spend gone, and the plain transfer mined again on the
    /// winning chain (by C), with the same balances on every node.
    /// </summary>
    public static async Task AssertHealedAsync(SplitSpends spends, NodeProcess c, NodeProcess[] all)
    {
        foreach (var node in all)
        {
            await NodeProcess.WaitUntilAsync(async () => await node.StatusAsync("tip") == spends.Winner, $"{node.Name} to reach the winning tip", all);
        }

        foreach (var node in all)
        {
            Assert.Equal("0", await node.AskAsync($"balance {X}"));
            Assert.Equal("20", await node.AskAsync($"balance {Y}"));
            Assert.StartsWith("error:", await node.AskAsync($"tx {spends.ToX}"));
        }

        await NodeProcess.WaitUntilAsync(async () => (await c.CommandAsync($"tx {spends.Plain}")).Any(l => l.StartsWith("status=", StringComparison.Ordinal)), "C to know the plain transfer", all);
        await c.CommandAsync("mine 1");
        var final = await c.StatusAsync("tip");
        foreach (var node in all)
        {
            await NodeProcess.WaitUntilAsync(async () => await node.StatusAsync("tip") == final, $"{node.Name} to reach the final tip", all);
            Assert.Equal("1.5", await node.AskAsync($"balance {Z}"));
            Assert.Equal(await c.AskAsync($"balance {spends.W}"), await node.AskAsync($"balance {spends.W}"));
        }
    }

    /// <summary>The private key PEM of a wallet.json (to import the same wallet into another node).</summary>
    public static string PrivateKeyPem(string walletJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(walletJson));
        return document.RootElement.GetProperty("privateKey").GetString()!;
    }
}
