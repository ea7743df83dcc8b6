using System.Globalization;
using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Specs;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// Proof of authority with real node processes: three signers on four nodes (the fourth, D, seals nothing) keep
/// sealing with one signer stopped, stop safely with two stopped (a lone signer seals at most one block in any
/// two), go on when a signer returns, and a partition heals to one chain.
/// </summary>
public sealed class PoaNetworkTests : IAsyncLifetime
{
    private const string Prefix = "poat";
    private readonly TempFolder _folder = new();
    private readonly List<NodeProcess> _nodes = [];
    private string _spec = string.Empty;
    private readonly string[] _keys = new string[4];
    private readonly string[] _addresses = new string[4];

    public Task InitializeAsync()
    {
        var signers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var rsa = RSA.Create(2048);
            _keys[i] = _folder.Combine($"k{i}.pem");
            File.WriteAllText(_keys[i], rsa.ExportPkcs8PrivateKeyPem());
            _addresses[i] = Address.FromPublicKey(rsa.ExportSubjectPublicKeyInfo()).ToText(Prefix);
        }

        var spec = NetworkParameters.Dev.ToSpec();
        spec.Name = "poatest";
        spec.Magic = "0x706f6174";
        spec.AddressPrefix = Prefix;
        spec.Consensus = new ChainSpecConsensus { Engine = "poa", Signers = [.. _addresses[..3]], PeriodSeconds = 1, Epoch = 1_000 };
        _spec = _folder.Combine("poa.json");
        File.WriteAllText(_spec, ChainSpecFile.ToJson(spec));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _folder.Dispose();
    }

    // Node i (0-2 signers, 3 is D) sealing with key i, dialling peers.
    private async Task<NodeProcess> StartAsync(int i, params NodeProcess[] peers)
    {
        string[] args = ["--network", _spec, "--import-key", _keys[i], "--mine"];
        if (peers.Length > 0)
        {
            args = [.. args, "--peers", string.Join(',', peers.Select(p => $"{p.Endpoint}@{p.NodeId}"))];
        }

        var node = await NodeProcess.StartAsync(i == 3 ? "D" : $"S{i + 1}", _folder.Combine($"n{i}"), args);
        _nodes.Add(node);
        return node;
    }

    private static async Task<uint> HeightAsync(NodeProcess node) => uint.Parse(await node.StatusAsync("height"), CultureInfo.InvariantCulture);

    // The hash, sealer (the coinbase's recipient: the sealer pays itself) and time of the best-chain block at height.
    private static async Task<(string Hash, string Sealer, DateTimeOffset Time)> BlockAsync(NodeProcess node, uint height)
    {
        var lines = await node.CommandAsync(string.Create(CultureInfo.InvariantCulture, $"block {height}"));
        var coinbase = lines.Single(l => l.Contains(" coinbase -> ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var time = lines.Single(l => l.StartsWith("time=", StringComparison.Ordinal)).Split(' ')[0]["time=".Length..];
        return (lines[0]["hash=".Length..], coinbase[3], DateTimeOffset.Parse(time, CultureInfo.InvariantCulture));
    }

    // Waits until every node is at least at height and all hold the same block there.
    private static Task AgreeAtAsync(uint height, params NodeProcess[] nodes) => NodeProcess.WaitUntilAsync(async () =>
    {
        var hashes = new HashSet<string>();
        foreach (var node in nodes)
        {
            if (await HeightAsync(node) < height)
            {
                return false;
            }

            hashes.Add((await BlockAsync(node, height)).Hash);
        }

        return hashes.Count == 1;
    }, $"{string.Join(", ", nodes.Select(n => n.Name))} to agree on block {height}", nodes);

    [Fact]
    public async Task Seal_OneSignerStopped_GoesOn_TwoStopped_StopsSafely_ThenResumes()
    {
        var s1 = await StartAsync(0);
        var s2 = await StartAsync(1, s1);
        var s3 = await StartAsync(2, s1, s2);
        var d = await StartAsync(3, s1, s2, s3);
        await d.WaitForLogAsync(new System.Text.RegularExpressions.Regex("Not sealing: "));
        await AgreeAtAsync(3, s1, s2, s3, d);

        // One of three signers stopped: the other two alternate (each may seal one block in any two).
        Assert.Equal(0, await s3.QuitAsync());
        var stopped = await HeightAsync(d);
        await AgreeAtAsync(stopped + 4, s1, s2, d);
        var sealers = new HashSet<string>();
        for (var h = stopped + 2; h <= stopped + 4; h++)
        {
            sealers.Add((await BlockAsync(d, h)).Sealer);
        }

        Assert.Equal(new[] { _addresses[0], _addresses[1] }.Order(), sealers.Order());

        // Two stopped: S1 alone may seal once more at most, then must wait for another signer's block. Waited on
        // as an event: the tip sealed by S1, seen by S1 and D alike.
        Assert.Equal(0, await s2.QuitAsync());
        uint halted = 0;
        await NodeProcess.WaitUntilAsync(async () =>
        {
            halted = await HeightAsync(d);
            return (await BlockAsync(d, halted)).Sealer == _addresses[0];
        }, "the tip to be S1's block", s1, d);
        await AgreeAtAsync(halted, s1, d);

        // The event that must follow: S2 back. The next block can only be S2's (S1 sealed the last), and S2
        // seals it only now: nothing was sealed at halted + 1 while two signers were away.
        var returned = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var s2Again = await StartAsync(1, s1, d);
        await AgreeAtAsync(halted + 2, s1, s2Again, d);
        var next = await BlockAsync(d, halted + 1);
        Assert.Equal(_addresses[1], next.Sealer);
        Assert.True(next.Time >= returned, $"block {halted + 1} dated {next.Time:O}, before S2 returned at {returned:O}");
    }

    [Fact]
    public async Task Partition_MinorityAndMajorityApart_HealsToTheMajorityChain()
    {
        var s1 = await StartAsync(0);
        var s2 = await StartAsync(1, s1);
        var s3 = await StartAsync(2, s1, s2);
        var d = await StartAsync(3, s1, s2, s3);
        await AgreeAtAsync(3, s1, s2, s3, d);

        // Partition: S1 and D are cut off (quit) and restart linked only to each other, while S2 and S3 seal on.
        Assert.Equal(0, await d.QuitAsync());
        Assert.Equal(0, await s1.QuitAsync());
        var dApart = await StartAsync(3);
        var s1Apart = await StartAsync(0, dApart);
        await NodeProcess.WaitUntilAsync(async () => await dApart.StatusAsync("peers") == "1", "S1 and D to link", s1Apart, dApart);
        var split = await HeightAsync(s1Apart);

        // The majority half goes well past the minority's reach. S1 alone seals at most one block after the fork
        // (the first height where the halves differ; S1's stored chain had some of the majority's blocks).
        await AgreeAtAsync(split + 4, s2, s3);
        var minority = await HeightAsync(s1Apart);
        await AgreeAtAsync(minority, s1Apart, dApart);
        var fork = minority + 1;
        for (var h = 1u; h <= minority; h++)
        {
            if ((await BlockAsync(s1Apart, h)).Hash != (await BlockAsync(s2, h)).Hash)
            {
                fork = h;
                break;
            }
        }

        Assert.True(minority + 1 - fork <= 1, $"the minority half sealed blocks {fork} to {minority} apart");

        // Heal: every node ends on the majority's chain, the minority's block (if any) replaced.
        Assert.Equal($"connected {s2.Endpoint}", await dApart.AskAsync($"connect {s2.Endpoint}"));
        var target = await HeightAsync(s2) + 1;
        await AgreeAtAsync(target, s1Apart, s2, s3, dApart);
        for (var h = Math.Min(fork, minority); h <= target; h++)
        {
            Assert.Equal((await BlockAsync(s2, h)).Hash, (await BlockAsync(dApart, h)).Hash);
        }
    }
}
