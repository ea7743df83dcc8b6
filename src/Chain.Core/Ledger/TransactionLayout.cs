using Chain.Core.Crypto;
using Chain.Core.Encoding;

namespace Chain.Core.Ledger;

/// <summary>
/// The fields of one encoded transaction, read and checked by <see cref="Read"/> (the checks and messages of
/// <see cref="Transaction.Decode"/>), with where its sender key, signing bytes and signature lie in the encoding, so
/// that a block's ids and sender addresses can be hashed together before the transactions are built.
/// </summary>
internal readonly struct TransactionLayout
{
    /// <summary>Where the sender key starts: after version, network and the key's length.</summary>
    public const int KeyOffset = 1 + 4 + 2;

    private TransactionLayout(uint network, int keyLength, Address recipient, long amount, long fee, ulong nonce, int signatureLength)
    {
        Network = network;
        KeyLength = keyLength;
        Recipient = recipient;
        Amount = amount;
        Fee = fee;
        Nonce = nonce;
        SignatureLength = signatureLength;
    }

    /// <summary>The network magic.</summary>
    public uint Network { get; }

    /// <summary>Bytes of the sender key (0 for a coinbase), at <see cref="KeyOffset"/>.</summary>
    public int KeyLength { get; }

    /// <summary>The recipient.</summary>
    public Address Recipient { get; }

    /// <summary>Units transferred.</summary>
    public long Amount { get; }

    /// <summary>Units paid to the miner.</summary>
    public long Fee { get; }

    /// <summary>The nonce.</summary>
    public ulong Nonce { get; }

    /// <summary>Bytes of the signature, the encoding's last.</summary>
    public int SignatureLength { get; }

    /// <summary>Bytes of the signing bytes, the encoding's first: what the id hashes.</summary>
    public int SigningSize => Transaction.FixedSigningSize + KeyLength;

    /// <summary>Reads exactly one encoded transaction; throws <see cref="FormatException"/> as <see cref="Transaction.Decode"/> does.</summary>
    public static TransactionLayout Read(ReadOnlySpan<byte> data)
    {
        if (data.Length > Transaction.MaxEncodedSize)
        {
            throw new FormatException($"Transaction of {data.Length} bytes exceeds {Transaction.MaxEncodedSize}.");
        }

        var reader = new SpanReader(data);
        var version = reader.ReadByte();
        if (version != Transaction.CurrentVersion)
        {
            throw new FormatException($"Unknown transaction version {version}.");
        }

        var network = reader.ReadUInt32();
        int keyLength = reader.ReadUInt16();
        if (keyLength > Transaction.MaxPublicKeySize)
        {
            throw new FormatException($"Sender key of {keyLength} bytes exceeds {Transaction.MaxPublicKeySize}.");
        }

        reader.ReadBytes(keyLength);
        var recipient = new Address(reader.ReadBytes(Address.Size));
        var amount = reader.ReadInt64();
        var fee = reader.ReadInt64();
        var nonce = reader.ReadUInt64();
        int signatureLength = reader.ReadUInt16();
        if (signatureLength > Transaction.MaxSignatureSize)
        {
            throw new FormatException($"Signature of {signatureLength} bytes exceeds {Transaction.MaxSignatureSize}.");
        }

        reader.ReadBytes(signatureLength);
        reader.EnsureEnd("Transaction");
        return new TransactionLayout(network, keyLength, recipient, amount, fee, nonce, signatureLength);
    }
}
