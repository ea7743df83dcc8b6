using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Specs;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// Three node processes on a proof-of-authority spec, each the wallet of one of its three signers, sealing with
/// <c>--mine</c> in a line A - B - C: they keep producing blocks, sealed by more than one signer, and agree on them.
/// </summary>
public sealed partial class PoaSealingTests : IDisposable
{
    private const string Prefix = "poa";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Mine_ThreeSignersInALine_BlocksSealedInTurnsAndAgreed()
    {
        var keys = new[] { WriteKey("a.pem"), WriteKey("b.pem"), WriteKey("c.pem") };
        var spec = NetworkParameters.Dev.ToSpec();
        spec.Name = "poanet";
        spec.Magic = "0x504f414e";
        spec.AddressPrefix = Prefix;
        spec.Consensus = new ChainSpecConsensus
        {
            Engine = "poa",
            Signers = [.. keys.Select(k => k.Address.ToText(Prefix))],
            PeriodSeconds = 1,
            Epoch = 5,
        };
        var specPath = _folder.Combine("poanet.json");
        File.WriteAllText(specPath, ChainSpecFile.ToJson(spec));

        await using var a = await NodeProcess.StartAsync("A", _folder.Combine("a"), ["--network", specPath, "--import-key", keys[0].Pem, "--mine"]);
        await using var b = await NodeProcess.StartAsync("B", _folder.Combine("b"), ["--network", specPath, "--import-key", keys[1].Pem, "--mine", "--peers", a.Endpoint]);
        // C's wallet is a new key of its own: it seals with the third signer's key through --signer-key.
        await using var c = await NodeProcess.StartAsync("C", _folder.Combine("c"), ["--network", specPath, "--signer-key", keys[2].Pem, "--mine", "--peers", b.Endpoint]);

        // Past a checkpoint (height 5), on every node.
        foreach (var node in new[] { a, b, c })
        {
            await NodeProcess.WaitUntilAsync(async () => uint.Parse(await node.StatusAsync("height"), System.Globalization.CultureInfo.InvariantCulture) >= 8, $"{node.Name} to reach height 8", a, b, c);
        }

        // Block 6 is buried under two more: every node holds the same one.
        await NodeProcess.WaitUntilAsync(
            async () => (await a.CommandAsync("header 6"))[0] == (await b.CommandAsync("header 6"))[0] && (await b.CommandAsync("header 6"))[0] == (await c.CommandAsync("header 6"))[0],
            "the nodes to agree on block 6",
            a,
            b,
            c);

        var signers = keys.Select(k => k.Address.ToText(Prefix)).ToHashSet();
        var sealers = new HashSet<string>();
        for (var height = 1; height <= 6; height++)
        {
            var lines = await a.CommandAsync($"block {height}");
            var bits = lines.Select(l => BitsField().Match(l)).First(m => m.Success).Groups[1].Value;
            Assert.Contains(bits, new[] { "00000001", "00000002" });
            // The fourth header line names the seal: its signer, its vote, and at the checkpoint (height 5) the signers.
            var seal = lines.Single(l => l.StartsWith("signer=", StringComparison.Ordinal)).Split(' ');
            var sealer = seal[0]["signer=".Length..];
            Assert.Contains(sealer, signers);
            Assert.Equal("vote=none", seal[1]);
            if (height == 5)
            {
                Assert.Equal(signers.Order(StringComparer.Ordinal), seal[2]["checkpoint=".Length..].Split(',').Order(StringComparer.Ordinal));
            }
            else
            {
                Assert.Equal(2, seal.Length);
            }

            sealers.Add(sealer);
        }

        Assert.True(sealers.Count >= 2, $"blocks 1-6 sealed by {string.Join(", ", sealers)}");

        // C seals with the third signer's key (--signer-key) and is paid in its own wallet: a block whose seal names
        // that signer has C's address as its coinbase's recipient.
        var third = keys[2].Address.ToText(Prefix);
        var walletC = await c.AskAsync("address");
        Assert.NotEqual(third, walletC);
        IReadOnlyList<string>? sealedByC = null;
        await NodeProcess.WaitUntilAsync(
            async () =>
            {
                var height = uint.Parse(await c.StatusAsync("height"), System.Globalization.CultureInfo.InvariantCulture);
                for (var h = 1u; h <= height && sealedByC is null; h++)
                {
                    var lines = await c.CommandAsync($"block {h}");
                    if (lines.Any(l => l.StartsWith($"signer={third} ", StringComparison.Ordinal)))
                    {
                        sealedByC = lines;
                    }
                }

                return sealedByC is not null;
            },
            "C to seal a block with --signer-key",
            a,
            b,
            c);
        Assert.Contains(sealedByC!, l => l.Contains($" coinbase -> {walletC} ", StringComparison.Ordinal));

        // The vote operation sets what A proposes in its next blocks.
        var candidate = WriteKey("d.pem").Address.ToText(Prefix);
        Assert.Equal($"vote=add {candidate}", await a.AskAsync($"vote {candidate} add"));
        Assert.Equal("vote=none", await a.AskAsync("vote clear"));
    }

    // A new RSA-2048 key as a PKCS#8 PEM file, and its address.
    private (string Pem, Address Address) WriteKey(string fileName)
    {
        using var key = RSA.Create(2048);
        var path = _folder.Combine(fileName);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return (path, Address.FromPublicKey(key.ExportSubjectPublicKeyInfo()));
    }

    [GeneratedRegex(@"bits=(?:0x)?([0-9a-f]+)")]
    private static partial Regex BitsField();
}
