using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Wallets;

/// <summary>
/// The node's RSA-2048 key pair and its address. Obtained from <see cref="WalletFile"/>; holds the private
/// key in memory until disposed.
/// </summary>
public sealed class Wallet : IDisposable
{
    private readonly RSA _key;
    private readonly byte[] _publicKey;
    private bool _disposed;

    internal Wallet(RSA key, bool isEncrypted)
    {
        _key = key;
        _publicKey = key.ExportSubjectPublicKeyInfo();
        Address = Address.FromPublicKey(_publicKey);
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        IsEncrypted = isEncrypted;
    }

    /// <summary>The address owned by this key.</summary>
    public Address Address { get; }

    /// <summary>The public key as SubjectPublicKeyInfo DER (the form transactions carry).</summary>
    public ReadOnlyMemory<byte> PublicKey => _publicKey;

    /// <summary>The public key as a SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").</summary>
    public string PublicKeyPem { get; }

    /// <summary>Whether the wallet file stores the private key encrypted under a passphrase.</summary>
    public bool IsEncrypted { get; internal set; }

    /// <summary>The private key, for signing inside Chain.Core and for tests.</summary>
    internal RSA Key
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    /// <summary>Signs the SHA-256 of <paramref name="data"/> with RSA-PSS (see <see cref="RsaPss"/>).</summary>
    public byte[] SignData(ReadOnlySpan<byte> data) => RsaPss.SignData(Key, data);

    /// <summary>Creates a transfer from this wallet's address, signed with its key.</summary>
    public Transaction CreateTransaction(uint network, Address to, long amount, long fee, ulong nonce)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentOutOfRangeException.ThrowIfNegative(fee);
        return Transaction.CreateSigned(Key, network, to, amount, fee, nonce);
    }

    /// <summary>Releases the private key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _key.Dispose();
        }
    }
}
