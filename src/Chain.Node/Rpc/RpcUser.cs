using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Chain.Node.Rpc;

/// <summary>
/// A configured API user, bitcoind's <c>rpcauth</c>: the line <c>user:salt$hash</c> holds the name, a random salt
/// (32 hex characters) and HMAC-SHA256 keyed by the salt's text over the password's UTF-8 bytes (64 hex characters),
/// so the password itself is never stored and bitcoind's <c>share/rpcauth/rpcauth.py</c> makes lines this reads.
/// The password <see cref="Create"/> generates is 32 random bytes, which no one can guess from the line; a chosen
/// password is only as strong as itself.
/// </summary>
public sealed class RpcUser
{
    /// <summary>Random bytes in a generated salt.</summary>
    public const int SaltBytes = 16;

    /// <summary>Random bytes in a generated password.</summary>
    public const int PasswordBytes = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private RpcUser(string name, string salt, byte[] hash)
    {
        Name = name;
        _salt = Encoding.UTF8.GetBytes(salt);
        _hash = hash;
    }

    /// <summary>The user name.</summary>
    public string Name { get; }

    /// <summary>Reads a <c>user:salt$hash</c> line; null with <paramref name="error"/> when malformed.</summary>
    public static RpcUser? Parse(string line, [NotNullWhen(false)] out string? error)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var dollar = line.LastIndexOf('$');
        if (colon <= 0 || dollar < colon + 2)
        {
            error = $"'{line}' is not user:salt$hash";
            return null;
        }

        var name = line[..colon];
        var salt = line[(colon + 1)..dollar];
        var hash = line[(dollar + 1)..];
        if (name == RpcCookie.User)
        {
            error = $"the user name {RpcCookie.User} is the cookie's";
            return null;
        }

        if (hash.Length != 2 * HMACSHA256.HashSizeInBytes || !hash.All(char.IsAsciiHexDigit))
        {
            error = $"the hash of user '{name}' is not 64 hex characters (HMAC-SHA256)";
            return null;
        }

        error = null;
        return new RpcUser(name, salt, Convert.FromHexString(hash));
    }

    /// <summary>A new line for <paramref name="name"/>: a random salt, and a random password unless one is given.</summary>
    public static (string Line, string Password) Create(string name, string? password = null)
    {
        password ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PasswordBytes));
        var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SaltBytes));
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(salt), Encoding.UTF8.GetBytes(password));
        return ($"{name}:{salt}${Convert.ToHexStringLower(hash)}", password);
    }

    /// <summary>Whether <paramref name="password"/> is this user's, compared in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> password)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_salt, password, hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }
}
