using System.Security.Cryptography;
using System.Text;

namespace Chain.Node.Rpc;

/// <summary>
/// bitcoind's authentication cookie: a random secret written owner-only as <c>.cookie</c> in the data folder
/// when the API starts (<c>__cookie__:&lt;64 hex&gt;</c>) and removed when it stops. Whoever can read the data
/// folder can use the API; nobody else can.
/// </summary>
public sealed class RpcCookie
{
    /// <summary>The cookie's file name in the data folder.</summary>
    public const string FileName = ".cookie";

    /// <summary>The user name of cookie authentication.</summary>
    public const string User = "__cookie__";

    /// <summary>Random bytes in the secret.</summary>
    public const int SecretBytes = 32;

    private RpcCookie(string path, string secret)
    {
        Path = path;
        Secret = secret;
    }

    /// <summary>The cookie file.</summary>
    public string Path { get; }

    /// <summary>The secret, lower-case hex.</summary>
    public string Secret { get; }

    /// <summary><c>__cookie__:&lt;secret&gt;</c>, the file's content and the HTTP Basic credentials.</summary>
    public string Credentials => $"{User}:{Secret}";

    /// <summary>Writes a fresh cookie into <paramref name="dataFolder"/>, readable and writable by the owner only.</summary>
    public static RpcCookie Create(string dataFolder)
    {
        var cookie = new RpcCookie(System.IO.Path.Combine(dataFolder, FileName), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes)));
        File.Delete(cookie.Path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(cookie.Path, options))
        {
            file.Write(Encoding.ASCII.GetBytes(cookie.Credentials));
        }

        return cookie;
    }

    /// <summary>Reads the credentials of the cookie in <paramref name="dataFolder"/> (the command-line client's way).</summary>
    public static string Read(string dataFolder) => File.ReadAllText(System.IO.Path.Combine(dataFolder, FileName)).Trim();

    /// <summary>Removes the cookie file, if it is still this one's.</summary>
    public void Delete()
    {
        try
        {
            if (File.Exists(Path) && File.ReadAllText(Path).Trim() == Credentials)
            {
                File.Delete(Path);
            }
        }
        catch (IOException)
        {
            // Stopping goes on; a stale cookie is replaced at the next start.
        }
    }
}
