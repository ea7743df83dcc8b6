using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Tests.TestSupport;
using Chain.Core.Wallets;

namespace Chain.Core.Tests.Wallets;

public sealed class WalletTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Wallet _wallet;

    public WalletTests()
    {
        _wallet = WalletTestHelpers.CreateWallet(_dir.Path, passphrase: null);
    }

    public void Dispose()
    {
        _wallet.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void SignData_AnyMessage_VerifiesWithThePublicKeyOnly()
    {
        using var verifier = RsaPss.TryImportPublicKey(_wallet.PublicKey.Span);
        Assert.NotNull(verifier);

        var signature = _wallet.SignData("pay 5"u8);

        Assert.Equal(RsaPss.SignatureSize, signature.Length);
        Assert.True(RsaPss.VerifyData(verifier, "pay 5"u8, signature));
        Assert.False(RsaPss.VerifyData(verifier, "pay 6"u8, signature));
    }

    [Fact]
    public void CreateTransaction_Transfer_IsSignedFromTheWalletAddress()
    {
        var to = Address.Parse(new string('a', 40));

        var transaction = _wallet.CreateTransaction(network: 7, to, amount: 50, fee: 2, nonce: 3);

        Assert.True(transaction.VerifySignature());
        Assert.Equal(_wallet.Address, transaction.Sender);
        Assert.Equal(_wallet.PublicKey.ToArray(), transaction.SenderPublicKey);
        Assert.Equal((7u, to, 50L, 2L, 3UL), (transaction.Network, transaction.Recipient, transaction.Amount, transaction.Fee, transaction.Nonce));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(1, -1)]
    public void CreateTransaction_NegativeMoney_Throws(long amount, long fee)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _wallet.CreateTransaction(1, Address.Zero, amount, fee, 0));
    }

    [Fact]
    public void PublicKeyPem_Always_EncodesPublicKey()
    {
        Assert.True(PemEncoding.TryFind(_wallet.PublicKeyPem, out var fields));
        Assert.Equal("PUBLIC KEY", _wallet.PublicKeyPem[fields.Label]);
        Assert.Equal(_wallet.PublicKey.ToArray(), Convert.FromBase64String(_wallet.PublicKeyPem[fields.Base64Data]));
    }

    [Fact]
    public void SignData_AfterDispose_ThrowsObjectDisposed()
    {
        using var dir = new TempDirectory();
        var wallet = WalletTestHelpers.CreateWallet(dir.Path, passphrase: null);
        wallet.Dispose();
        wallet.Dispose();

        Assert.Throws<ObjectDisposedException>(() => wallet.SignData("x"u8));
        Assert.Throws<ObjectDisposedException>(() => wallet.CreateTransaction(1, Address.Zero, 1, 0, 0));
    }
}
