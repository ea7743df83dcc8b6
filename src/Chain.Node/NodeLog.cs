using Microsoft.Extensions.Logging;

namespace Chain.Node;

/// <summary>Start-up lines of the node itself.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Wallet {Outcome}: address {Address}, {Protection}")]
    public static partial void WalletOpened(ILogger logger, string outcome, string address, string protection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown setting {Setting} is ignored (see --help and README \"Options\" for the settings)")]
    public static partial void UnknownSetting(ILogger logger, string setting);
}
