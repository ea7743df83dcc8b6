using System.Threading.Channels;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Core.Persistence;
using Chain.Core.Wallets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Services;

/// <summary>
/// Keeps the wallet's own pending transactions in <c>pending.dat</c>: at start they go back into the
/// mempool (and so are announced again); afterwards the file is rewritten whenever the mempool or the tip
/// changes, and once more at shutdown. The console's <c>send</c> saves at once through <see cref="SaveNow"/>, so a
/// transaction whose id was printed survives even a crash. A save that would write what the last one wrote (the same
/// transactions in the same order) writes nothing: a syncing node changes its tip at every block while its own pending
/// set stays as it was, and each rewrite is a durable replace of the file (two fsyncs).
/// </summary>
public sealed partial class PendingTransactionsService(Blockchain chain, Wallet wallet, DataFolder data, ILogger<PendingTransactionsService> logger) : BackgroundService, IPendingTransactionsSaver
{
    // Snapshot and write under one lock: a save must never overwrite a newer snapshot with an older one.
    private readonly Lock _saving = new();

    // Capacity one, dropping extra signals: one pending "save" covers any number of changes.
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Whether the last save left transactions out (logged once per overflow, not at every save).
    private bool _overflowLogged;

    // Ids of what the last successful save wrote, in file order; null before the first.
    private Hash256[]? _saved;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var tx in data.Pending.Load())
        {
            var result = chain.SubmitTransaction(tx);
            LogRestored(logger, tx.Id.ToString(), result.ToString());
        }

        chain.TransactionAdded += OnTransactionAdded;
        chain.TipChanged += OnTipChanged;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        chain.TransactionAdded -= OnTransactionAdded;
        chain.TipChanged -= OnTipChanged;
        await base.StopAsync(cancellationToken);
        SaveNow();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _dirty.Reader.WaitToReadAsync(stoppingToken))
            {
                _dirty.Reader.TryRead(out _);
                SaveNow();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void OnTransactionAdded(Transaction tx)
    {
        if (!tx.IsCoinbase && tx.Sender == wallet.Address)
        {
            _dirty.Writer.TryWrite(true);
        }
    }

    private void OnTipChanged(ChainUpdate update) => _dirty.Writer.TryWrite(true);

    /// <inheritdoc />
    public void SaveNow()
    {
        lock (_saving)
        {
            try
            {
                // Nonce order: if the file cannot hold them all, the ones left out are the last to be minable.
                var own = chain.GetMempool().Where(t => t.Sender == wallet.Address).OrderBy(t => t.Nonce).ToList();
                var ids = own.Select(t => t.Id).ToArray();
                if (_saved is not null && ids.AsSpan().SequenceEqual(_saved))
                {
                    return;
                }

                var leftOut = data.Pending.Save(own);
                _saved = ids;
                if (leftOut > 0 && !_overflowLogged)
                {
                    LogOverflow(logger, leftOut, PendingTransactionStore.MaxTransactions);
                }

                _overflowLogged = leftOut > 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The transaction is in the mempool and relayed whatever happens to the file: never fail the send.
                LogSaveFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored own pending transaction {Id}: {Result}")]
    private static partial void LogRestored(ILogger logger, string id, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{LeftOut} own pending transactions (the highest nonces) are not saved: the pending file holds {Max}")]
    private static partial void LogOverflow(ILogger logger, int leftOut, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save pending transactions: {Reason}")]
    private static partial void LogSaveFailed(ILogger logger, string reason);
}
