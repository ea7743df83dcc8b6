using Chain.Core.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chain.Node.Services;

/// <summary>Drops mempool transactions older than the mempool's expiry, checked once a minute (also done at every new block).</summary>
public sealed partial class MempoolExpiryService(Blockchain chain, TimeProvider time, ILogger<MempoolExpiryService> logger) : BackgroundService
{
    /// <summary>How often old transactions are looked for.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var expired = chain.ExpireMempool();
                if (expired > 0)
                {
                    LogExpired(logger, expired);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped {Count} mempool transactions that waited more than a day")]
    private static partial void LogExpired(ILogger logger, int count);
}
