namespace Chain.Core.Wallets;

/// <summary>
/// The one error a wallet file operation raises for anything a user or a damaged file can cause: missing,
/// unreadable, malformed, altered or mismatched file, wrong or missing passphrase, unacceptable key.
/// The message starts with the offending file's path; the file is never modified by the failing call.
/// </summary>
public sealed class WalletException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; the message is prefixed with the path.</summary>
    public WalletException(string filePath, string reason, Exception? innerException = null)
        : base($"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The wallet or key file the error is about.</summary>
    public string FilePath { get; }
}
