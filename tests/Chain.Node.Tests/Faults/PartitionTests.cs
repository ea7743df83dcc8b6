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
        await File.WriteAllTextAsync(keyFile, PartitionScenario.PrivateKeyPem(folder.Combine("a", "wallet.json")));
        await using var b = await NodeProcess.StartAsync("B", folder.Combine("b"), ["--peers", a.Endpoint]);
        var c = await NodeProcess.StartAsync("C", folder.Combine("c"), ["--peers", b.Endpoint, "--import-key", keyFile]);
        var d = await NodeProcess.StartAsync("D", folder.Combine("d"), ["--peers", c.Endpoint]);

        await a.CommandAsync("mine 3");
        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("height") == "3", "B to sync A's blocks", a, b);
        await b.CommandAsync("mine 3"); // B's first reward is spendable once its coinbase matures (3 blocks on dev)
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

        var spends = await PartitionScenario.SpendApartAsync(a, b, c, d);

        // Heal the partition.
        Assert.Equal($"connected {c.Endpoint}", await b.AskAsync($"connect {c.Endpoint}"));
        await PartitionScenario.AssertHealedAsync(spends, c, [a, b, c, d]);
    }
}
