using Chain.Core.Ledger;
using Chain.Core.Mining;
using Chain.Core.Wallets;
using Chain.Node.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chain.Node.Services;

/// <summary>
/// Continuous mining in the background while <see cref="MiningControl"/> is on: sealing on a proof-of-authority network,
/// where a wallet that is not an authorised signer says so once and waits for the signer set to change.
/// </summary>
public sealed partial class MiningService(Miner miner, Blockchain chain, Wallet wallet, MiningControl control, IOptions<NodeOptions> options, ILogger<MiningService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Mine)
        {
            control.Set(true);
        }

        var threads = options.Value.ResolvedMinerThreads;
        while (!stoppingToken.IsCancellationRequested)
        {
            var off = await control.WaitUntilOnAsync(stoppingToken);
            if (chain.Engine is Chain.Core.Consensus.PoaEngine)
            {
                LogSealingStarted(logger, chain.Network.FormatAddress(wallet.Address));
            }
            else
            {
                LogMiningStarted(logger, threads);
            }

            var mined = 0;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, off);
            try
            {
                string? refusal = null;
                while (!linked.IsCancellationRequested)
                {
                    Block block;
                    try
                    {
                        block = await miner.ProduceBlockAsync(wallet, threads, linked.Token);
                    }
                    catch (SealingRefusedException refused)
                    {
                        if (refused.Message != refusal)
                        {
                            refusal = refused.Message;
                            LogSealingRefused(logger, refused.Message);
                        }

                        await WaitForNewTipAsync(linked.Token);
                        continue;
                    }

                    refusal = null;
                    mined++;
                    // Each block at debug only: the tip log summarises them (a dev miner finds hundreds a second).
                    LogBlockMined(logger, block.Height, block.Hash.ToString(), block.Transactions.Count, miner.HashRate);
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
            }

            // Logged however the loop ended: a block found just as the token fired ends it without an exception.
            LogMiningStopped(logger, mined);
        }
    }

    // The signer set can only change with a new block.
    private async Task WaitForNewTipAsync(CancellationToken cancellationToken)
    {
        var moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tip = chain.Tip.Hash;
        void OnTip(ChainUpdate update) => moved.TrySetResult();
        chain.TipChanged += OnTip;
        try
        {
            if (chain.Tip.Hash == tip)
            {
                await moved.Task.WaitAsync(cancellationToken);
            }
        }
        finally
        {
            chain.TipChanged -= OnTip;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sealing as {Signer} when it is authorised and its turn comes (each new tip is in the tip log)")]
    private static partial void LogSealingStarted(ILogger logger, string signer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not sealing: {Reason}. Waiting for the signer set to change (vote this wallet's address in, or start with an authorised signer's wallet)")]
    private static partial void LogSealingRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mining on {Threads} threads (each new tip is in the tip log, at most a line every 10 s)")]
    private static partial void LogMiningStarted(ILogger logger, int threads);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mined block {Height} {Hash} with {Transactions} transactions at {HashRate:F0} hashes/s")]
    private static partial void LogBlockMined(ILogger logger, uint height, string hash, int transactions, double hashRate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mining stopped: {Blocks} blocks mined since it started")]
    private static partial void LogMiningStopped(ILogger logger, int blocks);
}
