using System.Text;
using Chain.Node.Rpc;

namespace Chain.Node.Tests.Rpc;

/// <summary>Configured API users (bitcoind's rpcauth lines) and the authenticator that checks them beside the cookie.</summary>
public sealed class RpcUserTests
{
    // Made by Python's hmac, as bitcoind's rpcauth.py does: hmac.new(b'cb77…', b'correct horse', 'sha256').hexdigest().
    private const string PythonLine = "alice:cb77f0957de88ff388cf817ddbc7273$fc4a7cde450d37bc17d2bcd86cf61adf77448c02beeb5611dcb04577c7996b69";

    [Fact]
    public void Verify_LineMadeByPythonHmac_AcceptsItsPasswordOnly()
    {
        var user = RpcUser.Parse(PythonLine, out var error);
        Assert.NotNull(user);
        Assert.Null(error);
        Assert.Equal("alice", user.Name);
        Assert.True(user.Verify("correct horse"u8));
        Assert.False(user.Verify("correct horsf"u8));
        Assert.False(user.Verify([]));
    }

    [Fact]
    public void Create_NewLine_ParsesAndVerifiesItsRandomPassword()
    {
        var (line, password) = RpcUser.Create("bob");
        Assert.Matches("^bob:[0-9a-f]{32}\\$[0-9a-f]{64}$", line);
        Assert.Matches("^[0-9a-f]{64}$", password);
        Assert.True(RpcUser.Parse(line, out _)!.Verify(Encoding.UTF8.GetBytes(password)));
        Assert.NotEqual(line, RpcUser.Create("bob", password).Line); // a fresh salt each time
    }

    [Theory]
    [InlineData("alice", "is not user:salt$hash")]
    [InlineData(":salt$" + "00000000000000000000000000000000000000000000000000000000000000aa", "is not user:salt$hash")]
    [InlineData("alice:salt$abc", "not 64 hex characters")]
    [InlineData("alice:salt$" + "zz000000000000000000000000000000000000000000000000000000000000aa", "not 64 hex characters")]
    [InlineData("__cookie__:salt$" + "00000000000000000000000000000000000000000000000000000000000000aa", "the cookie's")]
    public void Parse_Malformed_RefusedSayingWhy(string line, string message)
    {
        Assert.Null(RpcUser.Parse(line, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void IsAuthorized_UserBesideTheCookie_OnlyTheRightPasswordAndName()
    {
        var authenticator = new RpcAuthenticator("__cookie__:" + new string('a', 64), [RpcUser.Parse(PythonLine, out _)!]);
        Assert.True(authenticator.IsAuthorized(Basic("alice:correct horse")));
        Assert.True(authenticator.IsAuthorized(Basic("__cookie__:" + new string('a', 64))));
        Assert.False(authenticator.IsAuthorized(Basic("alice:correct horsf")));
        Assert.False(authenticator.IsAuthorized(Basic("bob:correct horse")));
        Assert.False(authenticator.IsAuthorized(Basic("alice")));
        Assert.False(authenticator.IsAuthorized("Bearer correct horse"));
        Assert.False(authenticator.IsAuthorizedToken("correct horse"));
    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
}
