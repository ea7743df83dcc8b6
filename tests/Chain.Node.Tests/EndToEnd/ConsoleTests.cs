using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>The console of a real node: answers, <c>error:</c> lines for bad input, and signatures that OpenSSL accepts.</summary>
public sealed class ConsoleTests(ConsoleNodeFixture fixture) : IClassFixture<ConsoleNodeFixture>
{
    private const string StatusPattern = @"^height=\d+ tip=[0-9a-f]{64} peers=\d+ mempool=\d+ difficulty=[0-9.]+ hashrate=\d+ mining=(on|off) node=[0-9a-f]{64} version=\S+ uptime=\d+ immature=[0-9.]+$";

    private NodeProcess Node => fixture.Node;

    public static TheoryData<string, string> BadCommands => new()
    {
        { "frobnicate", "unknown command 'frobnicate'" },
        { "balance nothex", "'nothex' is not an address" },
        { "send", "usage: send" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c", "usage: send" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c abc", "amount 'abc'" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 1 -2", "fee '-2'" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 1.000000001", "more than 8 decimals" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 5.", "digits on both sides of a point" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 12345678901234567890123", "is out of range: at most 21000000 coins" },
        { "history chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9", "is not a valid address" },
        { "{long}", "unknown command 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 1000000", "insufficient balance" },
        { "mine 0", "'0' is not a count" },
        { "mine lots", "'lots' is not a count" },
        { "mining maybe", "usage: mining on|off" },
        { "chain -1", "is not a count" },
        { "block", "usage: block" },
        { "block 999999", "no block 999999" },
        { "block xyz", "neither a height nor a 64-character block hash" },
        { "block 0000000000000000000000000000000000000000000000000000000000000001", "no block 0000000000000000000000000000000000000000000000000000000000000001" },
        { "send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt8c 1", "checksum does not match" },
        { "send chain1qqgjyv6y24n80zye42aueh0wluqpzg3nmqs4a2 1", "another network" },
        { "send 00112233445566778899aabbccddeeff00112233 1", "no checksum" },
        { "balance {address} x", "usage: balance [address]" },
        { "history {address} 2 3", "usage: history [address] [n]" },
        { "mine 2 3", "usage: mine [count]" },
        { "quit now", "usage: quit" },
        { "tx", "usage: tx" },
        { "tx 0000000000000000000000000000000000000000000000000000000000000000", "no transaction" },
        { "history 0", "is not a count" },
        { "sign", "usage: sign" },
        { "verify only-two args", "usage: verify" },
        { "verify chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c AAAA text", "no public key known" },
        { "verify /no/such/file.pem AAAA text", "neither an address nor a readable public key file" },
        { "verify {address} not*base64 text", "not base64" },
        { "connect", "usage: connect" },
        { "connect nohost", "port is missing" },
        { "connect 127.0.0.1:1", "could not connect" },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public async Task BadCommand_AnswersOneErrorLine_NodeKeepsAnswering(string command, string expected)
    {
        var answer = await Node.CommandAsync(command.Replace("{address}", fixture.Address, StringComparison.Ordinal).Replace("{long}", new string('x', 1_000_000), StringComparison.Ordinal));
        var line = Assert.Single(answer);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Matches(StatusPattern, await Node.AskAsync("status"));
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var help = await Node.CommandAsync("help");
        string[] commands = ["help", "address", "wallet", "wallet encrypt", "wallet passphrase", "wallet export", "sign", "verify", "balance", "send", "mine", "mining", "status", "peers", "connect", "disconnect", "ban", "unban", "bans", "chain", "block", "tx", "mempool", "history", "quit"];
        foreach (var command in commands)
        {
            Assert.Contains(help, line => line.StartsWith(command + " ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Status_IsOneLineInTheDocumentedForm()
    {
        var status = await Node.AskAsync("status");
        Assert.Matches(StatusPattern, status);
        Assert.Contains("peers=0 ", status, StringComparison.Ordinal);
        Assert.Empty(await Node.CommandAsync("peers"));
    }

    [Fact]
    public async Task ChainAndBlock_ListTheMinedBlocks()
    {
        var chain = await Node.CommandAsync("chain 2");
        Assert.Equal(2, chain.Count);
        Assert.All(chain, line => Assert.Matches(@"^\d+ [0-9a-f]{64} \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ txs=\d+$", line));
        var tip = chain[0].Split(' ');
        var byHash = await Node.CommandAsync($"block {tip[1]}");
        Assert.Equal(byHash, await Node.CommandAsync($"block {tip[0]}"));
        Assert.Equal($"hash={tip[1]}", byHash[0]);
    }

    [Fact]
    public async Task SignThenVerify_ValidForTheTextInvalidForAnother()
    {
        const string text = "pay  the  bearer  on  demand";
        var signature = await Node.AskAsync($"sign {text}");
        Assert.Equal("valid", await Node.AskAsync($"verify {fixture.Address} {signature} {text}"));
        Assert.Equal("invalid", await Node.AskAsync($"verify {fixture.Address} {signature} {text}!"));

        var publicKey = await WritePublicKeyAsync("sign-verify.pem");
        Assert.Equal("valid", await Node.AskAsync($"verify {publicKey} {signature} {text}"));
    }

    [Fact]
    public async Task Sign_OpensslVerifiesTheSignature_AndVerifyAcceptsOpensslPssSignatures()
    {
        if (!OpensslAvailable())
        {
            return; // Nothing to compare with on this machine.
        }

        const string text = "hello from the chain";
        var publicKey = await WritePublicKeyAsync("openssl.pem");
        var message = fixture.Folder.Combine("message.txt");
        await File.WriteAllBytesAsync(message, Encoding.UTF8.GetBytes(text));
        var signature = fixture.Folder.Combine("signature.bin");
        await File.WriteAllBytesAsync(signature, Convert.FromBase64String(await Node.AskAsync($"sign {text}")));

        var (code, output) = await RunAsync("openssl", "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-verify", publicKey, "-signature", signature, message);
        Assert.True(code == 0, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);

        // The other way round: a key and a PSS signature (salt as long as the digest) made by OpenSSL.
        using var rsa = RSA.Create(2048);
        var theirKey = fixture.Folder.Combine("their-key.pem");
        var theirPublic = fixture.Folder.Combine("their-public.pem");
        await File.WriteAllTextAsync(theirKey, rsa.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(theirPublic, rsa.ExportSubjectPublicKeyInfoPem());
        var theirSignature = fixture.Folder.Combine("their-signature.bin");
        (code, output) = await RunAsync("openssl", "dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest", "-sign", theirKey, "-out", theirSignature, message);
        Assert.True(code == 0, output);
        var base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(theirSignature));
        Assert.Equal("valid", await Node.AskAsync($"verify {theirPublic} {base64} {text}"));
        Assert.Equal("invalid", await Node.AskAsync($"verify {theirPublic} {base64} {text}."));
    }

    [Fact]
    public async Task Wallet_PrintsAddressAndPublicKeyPem()
    {
        var wallet = await Node.CommandAsync("wallet");
        Assert.Equal(fixture.Address, wallet[0]);
        Assert.Equal("-----BEGIN PUBLIC KEY-----", wallet[1]);
        Assert.Equal("-----END PUBLIC KEY-----", wallet[^1]);
    }

    [Fact]
    public async Task PipedInput_EveryLineRead_AnsweredThenOneEmptyLine()
    {
        // Several lines at once, as a script writes them: each answer (none for a blank line) ends with one empty line.
        await Node.SendAsync("help\n\nwallet\nfrobnicate\npeers\nstatus");
        var answers = new List<List<string>>();
        while (answers.Count < 6)
        {
            var answer = new List<string>();
            while (await Node.ReadOutputLineAsync() is { Length: > 0 } line)
            {
                answer.Add(line);
            }

            answers.Add(answer);
        }

        Assert.True(answers[0].Count > 10, string.Join(" | ", answers[0]));
        Assert.All(answers[0], line => Assert.DoesNotContain("error", line, StringComparison.Ordinal));
        Assert.StartsWith("help ", answers[0][0], StringComparison.Ordinal);
        Assert.Contains(answers[0], line => line.StartsWith("quit ", StringComparison.Ordinal));
        Assert.Empty(answers[1]);
        Assert.Equal(fixture.Address, answers[2][0]);
        Assert.Equal("-----END PUBLIC KEY-----", answers[2][^1]);
        Assert.StartsWith("error: unknown command 'frobnicate'", Assert.Single(answers[3]), StringComparison.Ordinal);
        Assert.Empty(answers[4]);
        Assert.Matches(StatusPattern, Assert.Single(answers[5]));
    }

    [Fact]
    public async Task SendToSelf_ShowsInMempoolAndTx()
    {
        var id = await Node.AskAsync($"send {fixture.Address} 1.5 0.001");
        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Contains(await Node.CommandAsync("mempool"), line => Regex.IsMatch(line, $"^{id} {fixture.Address} -> {fixture.Address} 1.5 fee=0.001 nonce=\\d+$"));
        Assert.Equal("status=pending", (await Node.CommandAsync($"tx {id}"))[^1]);
    }

    private async Task<string> WritePublicKeyAsync(string name)
    {
        var wallet = await Node.CommandAsync("wallet");
        var path = fixture.Folder.Combine(name);
        await File.WriteAllTextAsync(path, string.Join('\n', wallet.Skip(1)) + "\n");
        return path;
    }

    private static bool OpensslAvailable()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("openssl", "version") { RedirectStandardOutput = true, UseShellExecute = false });
            process?.WaitForExit(5_000);
            return process?.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(NodeProcess.Timeout);
        return (process.ExitCode, await output + await error);
    }
}
