using Microsoft.Extensions.Logging;

namespace Chain.Node;

/// <summary>Start-up lines of the node itself.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Wallet {Outcome}: address {Address}, {Protection}")]
    public static partial void WalletOpened(ILogger logger, string outcome, string address, string protection);

    [LoggerMessage(Level = LogLevel.Information, Message = "mine: mining {Count} blocks at difficulty {Difficulty:0.######}; Ctrl+C cancels")]
    public static partial void MineStarting(ILogger logger, int count, double difficulty);

    [LoggerMessage(Level = LogLevel.Information, Message = "mine: block {Done} of {Count} found, height {Height} {Hash}, {HashRate:F0} hashes/s")]
    public static partial void MineProgress(ILogger logger, int done, int count, uint height, string hash, double hashRate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown setting {Setting} is ignored (see --help and README \"Options\" for the settings)")]
    public static partial void UnknownSetting(ILogger logger, string setting);
}
