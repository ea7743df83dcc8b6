using Chain.Core.Mining;
using Chain.Core.Wallets;
using Chain.Node.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chain.Node.Services;

/// <summary>Continuous mining in the background while <see cref="MiningControl"/> is on.</summary>
public sealed partial class MiningService(Miner miner, Wallet wallet, MiningControl control, IOptions<NodeOptions> options, ILogger<MiningService> logger) : BackgroundService
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
            LogMiningStarted(logger, threads);
            var mined = 0;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, off);
            try
            {
                while (!linked.IsCancellationRequested)
                {
                    var block = await miner.MineBlockAsync(wallet.Address, threads, linked.Token);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Mining on {Threads} threads (each new tip is in the tip log, at most a line every 10 s)")]
    private static partial void LogMiningStarted(ILogger logger, int threads);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mined block {Height} {Hash} with {Transactions} transactions at {HashRate:F0} hashes/s")]
    private static partial void LogBlockMined(ILogger logger, uint height, string hash, int transactions, double hashRate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mining stopped: {Blocks} blocks mined since it started")]
    private static partial void LogMiningStopped(ILogger logger, int blocks);
}
