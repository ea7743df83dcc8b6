namespace Chain.Node.Services;

/// <summary>
/// A passphrase kept in a file, never typed on a command line or console where others could see it: the file's
/// first line, read the same way for <c>--wallet-passphrase-file</c> and the wallet commands. An empty one is refused.
/// </summary>
public static class PassphraseFile
{
    /// <summary>Reads the first line of <paramref name="path"/>; false and a message naming the file when it cannot be read or is empty.</summary>
    public static bool TryRead(string path, out string passphrase, out string error)
    {
        passphrase = string.Empty;
        try
        {
            passphrase = File.ReadLines(path).FirstOrDefault() ?? string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = $"cannot read the passphrase from {path}: {e.Message}";
            return false;
        }

        error = passphrase.Length == 0
            ? $"the first line of {path} is empty; a wallet is never encrypted under an empty passphrase"
            : string.Empty;
        return passphrase.Length > 0;
    }
}
