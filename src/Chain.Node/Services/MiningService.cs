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
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, off);
            try
            {
                while (!linked.IsCancellationRequested)
                {
                    var block = await miner.MineBlockAsync(wallet.Address, threads, linked.Token);
                    LogBlockMined(logger, block.Height, block.Hash.ToString(), block.Transactions.Count, miner.HashRate);
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
            }

            // Logged however the loop ended: a block found just as the token fired ends it without an exception.
            LogMiningStopped(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mining on {Threads} threads")]
    private static partial void LogMiningStarted(ILogger logger, int threads);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mined block {Height} {Hash} with {Transactions} transactions at {HashRate:F0} hashes/s")]
    private static partial void LogBlockMined(ILogger logger, uint height, string hash, int transactions, double hashRate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mining stopped")]
    private static partial void LogMiningStopped(ILogger logger);
}
