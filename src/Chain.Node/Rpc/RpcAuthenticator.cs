using System.Security.Cryptography;
using System.Text;

namespace Chain.Node.Rpc;

/// <summary>
/// Checks an HTTP <c>Authorization</c> header against the cookie: <c>Basic</c> with <c>__cookie__:&lt;secret&gt;</c>,
/// or <c>Bearer &lt;secret&gt;</c>; and against the configured users (<see cref="RpcUser"/>), <c>Basic</c> with
/// <c>user:password</c>. Compared in constant time, so timing tells an attacker nothing about a secret.
/// </summary>
public sealed class RpcAuthenticator(string credentials, IReadOnlyList<RpcUser>? users = null)
{
    private readonly IReadOnlyList<RpcUser> _users = users ?? [];
    private const string BasicPrefix = "Basic ";
    private const string BearerPrefix = "Bearer ";
    private readonly byte[] _credentials = Encoding.UTF8.GetBytes(credentials);
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(credentials[(credentials.IndexOf(':', StringComparison.Ordinal) + 1)..]);

    /// <summary>Whether <paramref name="authorization"/> (the header's value, or null) carries the credentials.</summary>
    public bool IsAuthorized(string? authorization)
    {
        if (authorization is null)
        {
            return false;
        }

        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[BearerPrefix.Length..].Trim()), _secret);
        }

        if (!authorization.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(authorization[BasicPrefix.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        if (CryptographicOperations.FixedTimeEquals(given, _credentials))
        {
            return true;
        }

        var colon = Array.IndexOf(given, (byte)':');
        if (colon < 0)
        {
            return false;
        }

        var name = Encoding.UTF8.GetString(given, 0, colon);
        var password = given.AsSpan(colon + 1);
        var authorized = false;
        foreach (var user in _users)
        {
            // Every user of that name is tried, whatever the outcome of the one before.
            authorized |= user.Name == name && user.Verify(password);
        }

        return authorized;
    }

    /// <summary>Whether <paramref name="token"/> (a URL's <c>?token=</c>, or null) is the secret; for the WebSocket upgrade only.</summary>
    public bool IsAuthorizedToken(string? token) =>
        !string.IsNullOrEmpty(token) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _secret);
}
