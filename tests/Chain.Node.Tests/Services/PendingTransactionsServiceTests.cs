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

        // Mine to the wallet until its first transfer is accepted (however many blocks a coinbase needs to mature).
        for (var blocks = 0; !chain.SubmitTransaction(txs[0]).IsValid; blocks++)
        {
            Assert.True(blocks < MaxFundingBlocks, "the wallet's coinbases never became spendable");
            Mine(chain, wallet.Address);
        }

        Assert.All(chain.SubmitTransactions(txs.GetRange(1, count - 1)), r => Assert.True(r.IsValid, r.ToString()));

        var service = new PendingTransactionsService(chain, wallet, data, NullLogger<PendingTransactionsService>.Instance);
        service.SaveNow();

        Assert.Equal(txs.Select(t => t.Id), data.Pending.Load().Select(t => t.Id));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
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
