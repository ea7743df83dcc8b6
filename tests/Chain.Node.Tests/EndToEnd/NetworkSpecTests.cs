using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Specs;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// <c>--network</c> with a chain-spec file: a fresh network starts with funded accounts, a malformed spec is refused
/// naming the file and the field, nodes of specs that differ in an allocation refuse each other, and
/// <c>--print-network</c> writes a spec that loads back to the same genesis.
/// </summary>
public sealed class NetworkSpecTests : IDisposable
{
    private const string Prefix = "fund";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // A dev-like network of its own (name, magic, prefix) with one allocation of amount units to address.
    private string WriteSpec(string fileName, Address funded, long amount)
    {
        var spec = NetworkParameters.Dev.ToSpec();
        spec.Name = "fundnet";
        spec.Magic = "0x46554e44";
        spec.AddressPrefix = Prefix;
        spec.Genesis!.Allocations = [new ChainSpecAllocation { Address = funded.ToText(Prefix), Amount = amount }];
        var path = _folder.Combine(fileName);
        File.WriteAllText(path, ChainSpecFile.ToJson(spec));
        return path;
    }

    // A new RSA-2048 key as a PKCS#8 PEM file, and its address.
    private (string Pem, Address Address) WriteKey(string fileName)
    {
        using var key = RSA.Create(2048);
        var path = _folder.Combine(fileName);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return (path, Address.FromPublicKey(key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public async Task Start_SpecWithAllocation_FundedAccountSpendsInTheFirstBlock()
    {
        var (pem, funded) = WriteKey("a.pem");
        var spec = WriteSpec("fundnet.json", funded, 1_000 * Money.UnitsPerCoin);
        await using var a = await NodeProcess.StartAsync("A", _folder.Combine("a"), ["--network", spec, "--import-key", pem]);
        await using var b = await NodeProcess.StartAsync("B", _folder.Combine("b"), ["--network", spec, "--peers", a.Endpoint]);
        await NodeProcess.WaitUntilAsync(async () => await a.StatusAsync("peers") == "1", "A and B to connect", a, b);

        Assert.Equal(funded.ToText(Prefix), await a.AskAsync("address"));
        Assert.Equal("1000", await a.AskAsync("balance"));
        var addressB = await b.AskAsync("address");
        Assert.StartsWith(Prefix + "1", addressB, StringComparison.Ordinal);
        Assert.Equal("network=fundnet magic=0x46554e44", string.Join(' ', (await a.AskAsync("networkinfo")).Split(' ').Take(2)));

        var txId = await a.AskAsync($"send {addressB} 250");
        Assert.Matches("^[0-9a-f]{64}$", txId);
        var block = await a.AskAsync("mine");
        Assert.StartsWith("1 ", block, StringComparison.Ordinal);

        await NodeProcess.WaitUntilAsync(async () => await b.StatusAsync("height") == "1", "B to receive block 1", a, b);
        Assert.Equal("250", await b.AskAsync("balance"));
        Assert.Equal("749.99999 immature=50.00001", await a.AskAsync("balance")); // the reward and the fee
        Assert.Equal($"status=confirmed height=1 block={block[2..]}", (await b.CommandAsync($"tx {txId}"))[^1]);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "consensus.periodSeconds", """{ "consensus": { "engine": "poa", "signers": [ "ADDRESS" ], "periodSeconds": 0, "epoch": 100 } }""" },
        { "magic", """{ "magic": null }""" },
        { "genesis.allocations[0].amount", """{ "genesis": { "timestamp": 1767225600, "allocations": [ { "address": "ADDRESS", "amount": -5 } ] } }""" },
        { "genesis.allocations[0].address", """{ "genesis": { "timestamp": 1767225600, "allocations": [ { "address": "chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c", "amount": 5 } ] } }""" },
        { "limits.maxBlockBytes", """{ "limits": { "maxBlockBytes": 99999999, "maxBlockTransactions": 10, "maxTransactionBytes": 1024 } }""" },
        { "blockRewards", """{ "blockRewards": 5 }""" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Start_MalformedSpec_RefusedNamingFileAndField(string field, string patch)
    {
        var (_, funded) = WriteKey("k.pem");
        var path = WriteSpec("bad.json", funded, 1);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(patch.Replace("ADDRESS", funded.ToText(Prefix), StringComparison.Ordinal))!.AsObject().ToList())
        {
            node[key] = value?.DeepClone();
        }

        File.WriteAllText(path, node.ToJsonString());
        var data = _folder.Combine("data");

        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", path, "--port", "0", "--data-dir", data], workingDirectory: _folder.Path);

        Assert.Equal(2, code);
        Assert.Contains($"error: --network (Node:Network): {path}: {field}: ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "a refused spec leaves no data folder");
    }

    [Fact]
    public async Task Start_SpecNotJson_RefusedNamingFileAndLine()
    {
        var path = _folder.Combine("broken.json");
        File.WriteAllText(path, "{\n  \"name\": \"x\",\n  \"magic\": 0x1\n}\n");

        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", path, "--port", "0", "--data-dir", _folder.Combine("data")], workingDirectory: _folder.Path);

        Assert.Equal(2, code);
        Assert.Contains($"--network (Node:Network): {path}: magic: malformed JSON", error, StringComparison.Ordinal);
        Assert.Contains("(line 3)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_SpecsDifferingInOneAllocation_Refused()
    {
        var (_, funded) = WriteKey("k.pem");
        var specA = WriteSpec("a.json", funded, 1_000);
        var specB = WriteSpec("b.json", funded, 1_001);
        await using var a = await NodeProcess.StartAsync("A", _folder.Combine("a"), ["--network", specA]);
        await using var b = await NodeProcess.StartAsync("B", _folder.Combine("b"), ["--network", specB, "--peers", a.Endpoint]);

        // Same name, magic and prefix: only the genesis hash tells them apart, and the handshake refuses on it.
        await a.WaitForLogAsync(new Regex("handshake failed from .*: wrong-genesis"));

        Assert.Equal("0", await a.StatusAsync("peers"));
        Assert.Equal("0", await b.StatusAsync("peers"));
    }

    [Fact]
    public async Task PrintNetwork_MainWrittenAndLoaded_SameGenesisHash()
    {
        var (code, output, error) = await NodeProcess.RunToExitAsync(["--print-network", "main"], workingDirectory: _folder.Path);
        Assert.True(code == 0, error);
        var path = _folder.Combine("main.json");
        File.WriteAllText(path, output);
        Assert.Equal("main", JsonNode.Parse(output)!["name"]!.GetValue<string>());

        await using var node = await NodeProcess.StartAsync("main-from-file", _folder.Combine("data"), ["--network", path]);

        Assert.Equal($"hash={NetworkParameters.Main.GenesisHash}", (await node.CommandAsync("header 0"))[0]);
        Assert.Equal("network=main", (await node.AskAsync("networkinfo")).Split(' ')[0]);
    }

    [Fact]
    public async Task Start_SpecNamedMainButDifferent_RefusedNamingTheName()
    {
        var spec = NetworkParameters.Main.ToSpec();
        var path = _folder.Combine("fake-main.json");
        spec.Genesis!.Timestamp += 1;
        File.WriteAllText(path, ChainSpecFile.ToJson(spec));

        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", path, "--port", "0", "--data-dir", _folder.Combine("data")], workingDirectory: _folder.Path);

        Assert.Equal(2, code);
        Assert.Contains($"{path}: name: 'main' is a compiled-in network", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_FolderOfAnotherSpecWithTheSameName_RefusedNamingTheGenesis()
    {
        var (_, funded) = WriteKey("k.pem");
        var first = WriteSpec("first.json", funded, 1_000);
        var second = WriteSpec("second.json", funded, 2_000);
        var data = _folder.Combine("data");
        await using (var node = await NodeProcess.StartAsync("first", data, ["--network", first]))
        {
            Assert.Equal(0, await node.QuitAsync());
        }

        var (code, _, error) = await NodeProcess.RunToExitAsync(["--network", second, "--port", "0", "--bind", "127.0.0.1", "--data-dir", data], workingDirectory: _folder.Path);

        Assert.Equal(1, code);
        Assert.Contains($"holds a 'fundnet' network with genesis {NetworkParameters.FromSpec(ChainSpecFile.Read(first)).GenesisHash}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrintNetwork_UnknownName_RefusedAndNothingPrinted()
    {
        var (code, output, error) = await NodeProcess.RunToExitAsync(["--print-network", "moon"], workingDirectory: _folder.Path);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--print-network: unknown network 'moon'", error, StringComparison.Ordinal);
    }
}
