using System.Text.RegularExpressions;
using Chain.Network.Peers;
using Chain.Node.Tests.EndToEnd;

namespace Chain.Node.Tests.Faults;

/// <summary>
/// The partition of <see cref="PartitionTests"/> made by the network instead of by restarts: four real node
/// processes, each in its own network namespace with its own address, linked A – B – C – D. The link between the
/// halves is cut while every node keeps running, so B and C find out the way a real node would (silence, then the
/// idle timeout, then failed redials); when it is mended C's redial loop finds B again with no help from the console.
/// </summary>
public class NamespacePartitionTests
{
    // Short peer timeouts so the cut is noticed in seconds (the defaults wait 90 s) and the redial after the heal
    // comes within seconds (backoff capped at 2 s instead of 60).
    private static readonly Dictionary<string, string> QuickPeers = new()
    {
        ["CHAIN_NETWORK__PINGINTERVAL"] = "00:00:01",
        ["CHAIN_NETWORK__IDLETIMEOUT"] = "00:00:05",
        ["CHAIN_NETWORK__CONNECTTIMEOUT"] = "00:00:03",
        ["CHAIN_NETWORK__REDIALMAXDELAY"] = "00:00:02",
    };

    [NamespaceFact]
    public async Task NetworkCutBetweenHalves_MineApartWithDoubleSpend_HealAgreeOnMostWorkAndLoseNothingValid()
    {
        using var network = new NamespaceNetwork(4);
        using var folder = new TempFolder();

        // A holds wallet W; C holds the same key (imported), so each half can spend W's coins.
        await using var a = await StartAsync(network, 0, "A", folder.Combine("a"));
        var keyFile = folder.Combine("w.pem");
        await File.WriteAllTextAsync(keyFile, PartitionScenario.PrivateKeyPem(folder.Combine("a", "wallet.json")));
        await using var b = await StartAsync(network, 1, "B", folder.Combine("b"), "--peers", a.Endpoint);
        await using var c = await StartAsync(network, 2, "C", folder.Combine("c"), "--peers", b.Endpoint, "--import-key", keyFile);
        await using var d = await StartAsync(network, 3, "D", folder.Combine("d"), "--peers", c.Endpoint);
        NodeProcess[] all = [a, b, c, d];
        Assert.Equal(NamespaceNetwork.Address(2), c.Host);
        await a.CommandAsync("mine 3");
        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("height") == "3", "B to sync A's blocks", a, b);
        await b.CommandAsync("mine 3"); // B's first reward is spendable once its coinbase matures (3 blocks on dev)
        var funded = await b.StatusAsync("tip");
        await NodeProcess.WaitUntilAsync(async () => await d.StatusAsync("tip") == funded, "D to sync the funding blocks", all);
        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("peers") == "2" && await c.StatusAsync("peers") == "2", "B and C to have both neighbours", all);

        // Partition: C and D's links move to a bridge of their own. Nothing tells the nodes; B and C drop each other
        // when the other falls silent.
        network.Split(2, 3);
        await b.WaitForLogAsync(new Regex($@"\({Regex.Escape(c.Host)}:\d+\) disconnected: {PeerConnection.IdleReason}"));
        await c.WaitForLogAsync(new Regex($@"\({Regex.Escape(b.Endpoint)}\) disconnected: {PeerConnection.IdleReason}"));
        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("peers") == "1" && await c.StatusAsync("peers") == "1", "B and C to count one neighbour each", all);

        var spends = await PartitionScenario.SpendApartAsync(a, b, c, d);
        Assert.Equal("7", await a.StatusAsync("height"));

        // Heal the network: C, still redialling B, gets through.
        network.Heal();
        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("peers") == "2", "C to reconnect to B", all);
        await PartitionScenario.AssertHealedAsync(spends, c, all);
    }

    private static Task<NodeProcess> StartAsync(NamespaceNetwork network, int host, string name, string dataDir, params string[] args) =>
        NodeProcess.StartAsync(name, dataDir, ["--bind", NamespaceNetwork.Address(host), .. args], QuickPeers, network.Launcher(host));
}
