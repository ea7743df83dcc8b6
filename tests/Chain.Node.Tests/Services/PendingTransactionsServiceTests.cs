using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Node.Configuration;
using Chain.Node.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chain.Node.Tests.Services;

public sealed class PendingTransactionsServiceTests : IDisposable
{
    private const int MaxFundingBlocks = 1_000;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chain-pending-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void SaveNow_MoreOwnPendingThanTheOldFileCap_SavesThemAllWithoutThrowing()
    {
        // 10,001 of the wallet's own transactions in the mempool made the store throw ArgumentException, which
        // SaveNow did not catch: send reported an error for a relayed transaction and pending.dat went stale.
        const int count = 10_001;
        var options = new NodeOptions { DataDir = _folder };
        using var data = DataFolder.Open(options, NetworkParameters.Dev);
        using var wallet = data.OpenWallet(WalletSetup.Read(options, _ => null), out _);
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        var recipient = new Address(new byte[Address.Size]);
        var txs = Enumerable.Range(0, count).Select(n => wallet.CreateTransaction(NetworkParameters.Dev.Magic, recipient, 1, NetworkParameters.Dev.MinFee, (ulong)n)).ToList();

        MineUntilAccepted(chain, wallet.Address, txs[0]);

        Assert.All(chain.SubmitTransactions(txs.GetRange(1, count - 1)), r => Assert.True(r.IsValid, r.ToString()));

        var service = new PendingTransactionsService(chain, wallet, data, NullLogger<PendingTransactionsService>.Instance);
        service.SaveNow();

        Assert.Equal(txs.Select(t => t.Id), data.Pending.Load().Select(t => t.Id));
    }

    [Fact]
    public void SaveNow_OwnPendingSetUnchanged_LeavesTheFileAloneUntilItChanges()
    {
        var options = new NodeOptions { DataDir = _folder };
        using var data = DataFolder.Open(options, NetworkParameters.Dev);
        using var wallet = data.OpenWallet(WalletSetup.Read(options, _ => null), out _);
        var chain = new Blockchain(NetworkParameters.Dev, TimeProvider.System);
        var recipient = new Address(new byte[Address.Size]);
        var first = wallet.CreateTransaction(NetworkParameters.Dev.Magic, recipient, 1, NetworkParameters.Dev.MinFee, 0);
        MineUntilAccepted(chain, wallet.Address, first);

        var service = new PendingTransactionsService(chain, wallet, data, NullLogger<PendingTransactionsService>.Instance);
        service.SaveNow();
        Assert.Equal([first.Id], data.Pending.Load().Select(t => t.Id));

        // Marked with a time no save would give it: a rewrite (a new file renamed over it) would carry the time of now.
        var marked = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(data.Pending.FilePath, marked);
        service.SaveNow();
        Assert.Equal(marked, File.GetLastWriteTimeUtc(data.Pending.FilePath));

        // Another pending transaction of the wallet: the next save writes both.
        var second = wallet.CreateTransaction(NetworkParameters.Dev.Magic, recipient, 1, NetworkParameters.Dev.MinFee, 1);
        Assert.True(chain.SubmitTransaction(second).IsValid);
        service.SaveNow();
        Assert.NotEqual(marked, File.GetLastWriteTimeUtc(data.Pending.FilePath));
        Assert.Equal([first.Id, second.Id], data.Pending.Load().Select(t => t.Id));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // Mines to the wallet until its first transfer is accepted (however many blocks a coinbase needs to mature).
    private static void MineUntilAccepted(Blockchain chain, Address miner, Transaction first)
    {
        for (var blocks = 0; !chain.SubmitTransaction(first).IsValid; blocks++)
        {
            Assert.True(blocks < MaxFundingBlocks, "the wallet's coinbases never became spendable");
            Mine(chain, miner);
        }
    }

    private static void Mine(Blockchain chain, Address miner)
    {
        var template = chain.CreateTemplate(miner);
        var target = Target.Expand(template.Header.Bits);
        var header = template.Header;
        for (ulong nonce = 0; !Target.IsMetBy(header.Hash, target); nonce++)
        {
            header = header.WithNonce(nonce);
        }

        Assert.Equal(BlockStatus.Connected, chain.SubmitBlock(new Block(header, template.Transactions)).Status);
    }
}
