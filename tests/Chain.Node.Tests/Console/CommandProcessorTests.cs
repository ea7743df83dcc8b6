using System.Text.RegularExpressions;
using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Wallets;
using Chain.Node.Configuration;
using Chain.Node.Console;
using Chain.Node.Services;
using Chain.Node.Tests.EndToEnd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chain.Node.Tests.Console;

public sealed class CommandProcessorTests : IDisposable
{
    // RSA-2048 generation is slow: one wallet serves every test.
    private static readonly Wallet SharedWallet = CreateWallet();

    private readonly Blockchain _chain = new(NetworkParameters.Dev, TimeProvider.System);
    private readonly MiningControl _mining = new();
    private readonly FakePeers _peers = new();
    private readonly FakeLifetime _lifetime = new();
    private readonly FakeSaver _saver = new();
    private readonly CommandProcessor _processor;

    public CommandProcessorTests()
    {
        _processor = new CommandProcessor(_chain, SharedWallet, new Miner(_chain, TimeProvider.System), _mining, _peers, _saver, _lifetime, Options.Create(new NodeOptions { MinerThreads = 1 }));
    }

    public void Dispose() => _lifetime.Dispose();

    [Fact]
    public async Task Execute_BlankLine_AnswersNothing()
    {
        Assert.Empty(await RunAsync("   "));
    }

    [Theory]
    [InlineData("nonsense", "error: unknown command 'nonsense' (type help)")]
    [InlineData("BALANCE xyz", "error: 'xyz' is not an address (chaindev1… with a checksum): has no prefix, separator '1' and checksum")]
    [InlineData("balance 1111111111111111111111111111111111111111", "error: '1111111111111111111111111111111111111111' is a bare 40-hex address, which has no checksum: give the checksummed form (chaindev1…, as the 'address' command prints it)")]
    [InlineData("mine 2 3", "error: usage: mine [count]")]
    [InlineData("quit now", "error: usage: quit")]
    [InlineData("status x", "error: usage: status")]
    [InlineData("mining on off", "error: usage: mining on|off")]
    [InlineData("history 5 6", "error: usage: history [address] [n]")]
    [InlineData("chain 1 2", "error: usage: chain [n]")]
    [InlineData("wallet export", "error: usage: wallet export <pem-file> [passphrase-file]")]
    [InlineData("wallet frobnicate", "error: usage: wallet [encrypt <passphrase-file> | passphrase <current-file> <new-file> | export <pem-file> [passphrase-file]]")]
    [InlineData("wallet encrypt a b", "error: usage: wallet encrypt <passphrase-file>")]
    [InlineData("wallet encrypt /no/such/passphrase.txt", "error: cannot read the passphrase from /no/such/passphrase.txt: Could not find a part of the path '/no/such/passphrase.txt'.")]
    [InlineData("block 000000000000000000000000000000000000000000000000000000000000000x", "error: '000000000000000000000000000000000000000000000000000000000000000x' is not a block hash (64 hexadecimal characters)")]
    [InlineData("mine 1001", "error: '1001' is not a count between 1 and 1000")]
    [InlineData("mining", "error: usage: mining on|off")]
    [InlineData("send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 5.", "error: amount '5.' is not an amount of coins (e.g. 12.5 or 0.5: digits on both sides of a point, at most 8 decimals)")]
    [InlineData("send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c .5", "error: amount '.5' is not an amount of coins (e.g. 12.5 or 0.5: digits on both sides of a point, at most 8 decimals)")]
    [InlineData("send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 12345678901234567890123", "error: amount '12345678901234567890123' is out of range: at most 21000000 coins")]
    [InlineData("send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 1.000000001", "error: amount '1.000000001' has more than 8 decimals (the smallest amount is 0.00000001 coins)")]
    [InlineData("send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 0", "error: amount out of range: amount 0 is not between 0.00000001 and 21000000 coins")]
    [InlineData("send chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9c 1 0.000001", "error: fee out of range: fee 0.000001 is not between 0.00001 and 21000000 coins")]
    [InlineData("history chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9", "error: 'chaindev1qqgjyv6y24n80zye42aueh0wluqpzg3nkcmt9' is not a valid address: checksum does not match (a mistyped character?)")]
    public async Task Execute_BadInput_OneErrorLine(string line, string expected)
    {
        Assert.Equal([expected], await RunAsync(line));
    }

    [Fact]
    public async Task Execute_MillionCharacterCommand_EchoCutTo64Characters()
    {
        var answer = Assert.Single(await RunAsync(new string('x', 1_000_000)));
        Assert.Equal($"error: unknown command '{new string('x', 64)}…' (type help)", answer);
    }

    [Fact]
    public async Task Send_MoreThanSpendable_NamesBalancePendingAndSpendable()
    {
        await RunAsync("mine 4"); // two rewards mature on dev: 100 coins
        var recipient = NetworkParameters.Dev.FormatAddress(Chain.Core.Crypto.Address.Parse(new string('1', 40)));
        Assert.Matches("^[0-9a-f]{64}$", Assert.Single(await RunAsync($"send {recipient} 60")));
        Assert.Equal(["100 immature=100"], await RunAsync("balance"));

        var answer = Assert.Single(await RunAsync($"send {recipient} 50"));

        Assert.Equal("error: insufficient balance: spends 50.00001 but 39.99999 is spendable: balance 100 less 60.00001 in 1 pending transaction (100 more is mined but immature: a coinbase is spendable 3 blocks after its own)", answer);
    }

    [Fact]
    public async Task MineThenBalance_CoinsInInvariantForm()
    {
        Assert.Equal(["0"], await RunAsync("balance"));
        var mined = await RunAsync("mine 2");
        Assert.Equal(2, mined.Count);
        Assert.Matches("^1 [0-9a-f]{64}$", mined[0]);
        Assert.Matches("^2 [0-9a-f]{64}$", mined[1]);
        Assert.Equal(["0 immature=100"], await RunAsync("balance")); // dev coinbases mature after 3 blocks

        await RunAsync("mine");
        Assert.Equal(["50 immature=100"], await RunAsync("balance"));
        Assert.Equal(["50 immature=100"], await RunAsync($"balance {Own}"));
    }

    [Fact]
    public async Task Send_OnlyImmatureCoins_RefusedNamingTheImmatureAmount()
    {
        await RunAsync("mine 2");

        var answer = Assert.Single(await RunAsync($"send {NetworkParameters.Dev.FormatAddress(Chain.Core.Crypto.Address.Parse(new string('1', 40)))} 1"));

        Assert.StartsWith("error: insufficient balance", answer, StringComparison.Ordinal);
        Assert.Contains("100 more is mined but immature", answer, StringComparison.Ordinal);
        Assert.Empty(await RunAsync("mempool"));
    }

    [Fact]
    public async Task Send_PrintsIdAndLandsInMempool_HistoryAfterMining()
    {
        await RunAsync("mine 3");
        var recipient = NetworkParameters.Dev.FormatAddress(Chain.Core.Crypto.Address.Parse(new string('1', 40)));
        var id = Assert.Single(await RunAsync($"send {recipient} 12.5 0.5"));
        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Equal(1, _saver.Saves);
        Assert.Equal([$"{id} {Own} -> {recipient} 12.5 fee=0.5 nonce=0"], await RunAsync("mempool"));

        await RunAsync("mine");
        Assert.Equal(["12.5"], await RunAsync($"balance {recipient}"));
        Assert.Equal(["87 immature=100.5"], await RunAsync("balance")); // blocks 1 and 2 matured, 3 and 4 (with the fee) not
        Assert.Contains($"4 {id} -13 {recipient}", await RunAsync("history"));
        Assert.Equal([$"4 {id} +12.5 {Own}"], await RunAsync($"history {recipient}"));
    }

    [Fact]
    public async Task Status_OneLineWithEveryField()
    {
        _peers.List = [new PeerSummary("127.0.0.1:7100", "abc", Inbound: false)];
        Assert.Equal(["mining=on"], await RunAsync("mining on"));
        var status = Assert.Single(await RunAsync("status"));
        Assert.Matches(new Regex(@"^height=0 tip=[0-9a-f]{64} peers=1 mempool=0 difficulty=1 hashrate=\d+ mining=on node=- version=\S+ uptime=\d+ immature=0$"), status);
        Assert.Equal(["mining=off"], await RunAsync("mining OFF"));
        Assert.False(_mining.IsOn);
    }

    [Fact]
    public async Task Status_PeerAnnouncedAHigherBestHeight_EndsWithSyncHeightOverTheHighest()
    {
        _peers.List =
        [
            new PeerSummary("127.0.0.1:7100", "abc", Inbound: false, BestHeight: 1234),
            new PeerSummary("127.0.0.1:7101", "def", Inbound: true, BestHeight: 5000),
            new PeerSummary("127.0.0.1:7102", "123", Inbound: true, BestHeight: 0),
        ];
        var status = Assert.Single(await RunAsync("status"));
        Assert.Matches(new Regex(@"^height=0 tip=[0-9a-f]{64} peers=3 .* immature=0 sync=0/5000$"), status);

        // Level with every peer: no sync field.
        _peers.List = [new PeerSummary("127.0.0.1:7102", "123", Inbound: true, BestHeight: 0)];
        Assert.EndsWith(" immature=0", Assert.Single(await RunAsync("status")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peers_OneLinePerPeer()
    {
        var since = new DateTimeOffset(2026, 12, 5, 21, 30, 2, 500, TimeSpan.Zero);
        _peers.List =
        [
            new PeerSummary("127.0.0.1:7100", "aaaa", Inbound: false, ConnectedAt: since, MinPing: TimeSpan.FromTicks(4_123), BytesSent: 20_511, BytesReceived: 31_877),
            new PeerSummary("10.0.0.2:51000", "bbbb", Inbound: true, ConnectedAt: since.AddHours(1), MinPing: null, BytesSent: 1_162, BytesReceived: 1_130),
        ];
        Assert.Equal(
            [
                "127.0.0.1:7100 aaaa outbound since=2026-12-05T21:30:02Z ping=0.412 sent=20511 received=31877",
                "10.0.0.2:51000 bbbb inbound since=2026-12-05T22:30:02Z ping=- sent=1162 received=1130",
            ],
            await RunAsync("peers"));
    }

    [Fact]
    public async Task Connect_ReportsTheDirectorysAnswer()
    {
        Assert.Equal(["connected 127.0.0.1:7100"], await RunAsync("connect 127.0.0.1:7100"));
        Assert.Equal(["127.0.0.1:7100"], _peers.Dialled);
        _peers.Failure = "could not connect to 127.0.0.1:7101: refused";
        Assert.Equal(["error: could not connect to 127.0.0.1:7101: refused"], await RunAsync("connect 127.0.0.1:7101"));
    }

    [Fact]
    public async Task SignThenVerify_ByAddress()
    {
        var signature = Assert.Single(await RunAsync("sign two  spaces"));
        Assert.Equal(["valid"], await RunAsync($"verify {Own} {signature} two  spaces"));
        Assert.Equal(["invalid"], await RunAsync($"verify {Own} {signature} two spaces"));
    }

    [Fact]
    public async Task Quit_StopsTheApplication()
    {
        Assert.Equal(["stopping"], await RunAsync("quit"));
        Assert.True(_lifetime.ApplicationStopping.IsCancellationRequested);
    }

    private static string Own => NetworkParameters.Dev.FormatAddress(SharedWallet.Address);

    [Fact]
    public async Task Block_SixtyFourDecimalDigits_IsAHashNotAHeight()
    {
        await RunAsync("mine 5");
        var decimalLooking = new string('0', 63) + "5";

        Assert.Equal([$"error: no block {decimalLooking}"], await RunAsync($"block {decimalLooking}"));
        Assert.StartsWith("hash=", (await RunAsync("block 5"))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Block_CoinbaseAndTwoTransfers_TransactionLinesAsDocumented()
    {
        await RunAsync("mine 4");
        var to = Chain.Core.Crypto.Address.Parse(new string('1', 40));
        var first = Assert.Single(await RunAsync($"send {NetworkParameters.Dev.FormatAddress(to)} 1.5"));
        var second = Assert.Single(await RunAsync($"send {NetworkParameters.Dev.FormatAddress(to)} 2"));
        await RunAsync("mine");
        var block = _chain.GetBlockByHeight(5)!.Block;
        var coinbase = block.Transactions[0];

        var answer = await RunAsync("block 5");

        // README "Console commands": the header's lines, the count, then each transaction indented by two spaces.
        Assert.Equal($"hash={block.Hash}", answer[0]);
        Assert.Equal(
            [
                "transactions=3",
                $"  {coinbase.Id} coinbase -> {Own} {Money.Format(coinbase.Amount)} height=5",
                $"  {first} {Own} -> {NetworkParameters.Dev.FormatAddress(to)} 1.5 fee={Money.Format(NetworkParameters.Dev.MinFee)} nonce=0",
                $"  {second} {Own} -> {NetworkParameters.Dev.FormatAddress(to)} 2 fee={Money.Format(NetworkParameters.Dev.MinFee)} nonce=1",
            ],
            answer.Skip(3));
        Assert.Equal([Convert.ToHexStringLower(block.Encode())], await RunAsync("block 5 raw"));
    }

    [Fact]
    public async Task ExtraArguments_BalanceAndHistoryWithAnAddress_RefusedWithTheUsageLine()
    {
        Assert.Equal(["error: usage: balance [address]"], await RunAsync($"balance {Own} x"));
        Assert.Equal(["error: usage: history [address] [n]"], await RunAsync($"history {Own} 2 3"));
        Assert.Empty(await RunAsync($"history {Own} 2"));
    }

    [Fact]
    public async Task Verify_PrivateKeyPem_Refused()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "private.pem");
        await File.WriteAllTextAsync(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        var answer = Assert.Single(await RunAsync($"verify {file} AAAA text"));

        Assert.Contains("is a private key", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_HugeInput_EchoIsCut()
    {
        var answer = Assert.Single(await RunAsync(new string('x', 1_000_000)));
        Assert.True(answer.Length < 200, answer);
    }

    private static Wallet CreateWallet()
    {
        // The wallet lives in memory once loaded; its file need not outlive this.
        using var folder = new TempFolder();
        return WalletFile.LoadOrCreate(folder.Path, passphrase: null);
    }

    private async Task<IReadOnlyList<string>> RunAsync(string line)
    {
        using var output = new StringWriter { NewLine = "\n" };
        await _processor.ExecuteAsync(line, output, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private sealed class FakePeers : IPeerDirectory
    {
        public IReadOnlyList<PeerSummary> List { get; set; } = [];

        public List<string> Dialled { get; } = [];

        public string? Failure { get; set; }

        public IReadOnlyList<PeerSummary> Peers => List;

        public Task<DialResult> ConnectAsync(string endpoint, CancellationToken cancellationToken)
        {
            Dialled.Add(endpoint);
            return Task.FromResult(new DialResult(Failure, new string('a', 64)));
        }
    }

    private sealed class FakeSaver : IPendingTransactionsSaver
    {
        public int Saves { get; private set; }

        public void SaveNow() => Saves++;
    }

    private sealed class FakeLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
