using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Encoding;

namespace Chain.Core.Ledger;

/// <summary>
/// A transfer in the account model. Immutable; its id is the SHA-256 of its canonical signing bytes,
/// which exclude the signature, so neither re-serialisation nor a second valid signature changes it.
/// </summary>
/// <remarks>
/// Signing bytes (all integers little-endian):
/// <c>version:u8=1 | network:u32 | senderKeyLength:u16 | senderKey (SubjectPublicKeyInfo DER) |
/// recipient:20 | amount:i64 | fee:i64 | nonce:u64</c>.
/// Full encoding: signing bytes, then <c>signatureLength:u16 | signature</c>.
/// A coinbase has an empty sender key and signature, a zero fee, and the block height as nonce.
/// </remarks>
public sealed class Transaction
{
    /// <summary>The only transaction version.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>Largest canonical encoding accepted, in bytes (an RSA-2048 transfer is 603).</summary>
    public const int MaxEncodedSize = 1024;

    /// <summary>Longest sender key accepted by the decoder, in bytes.</summary>
    public const int MaxPublicKeySize = 600;

    /// <summary>Longest signature accepted by the decoder, in bytes.</summary>
    public const int MaxSignatureSize = 512;

    // Signing bytes besides the sender key.
    internal const int FixedSigningSize = 1 + 4 + 2 + Address.Size + 8 + 8 + 8;

    // Signing bytes of any key the decoder accepts fit on the stack; larger keys made by FromParts use the heap.
    private const int StackSigningLimit = FixedSigningSize + MaxPublicKeySize;

    // The sender address, derived on first use. A transaction is read from several threads (block validation, the
    // network's parallel decode), and a 20-byte struct is not written atomically: the flag is set only after the
    // value, with release semantics, so a reader that sees it set sees the whole address. Two threads deriving it at
    // once write the same bytes.
    private Address _sender;
    private bool _senderKnown;

    private Transaction(uint network, byte[] senderPublicKey, Address recipient, long amount, long fee, ulong nonce, byte[] signature)
    {
        Network = network;
        SenderPublicKey = senderPublicKey;
        Recipient = recipient;
        Amount = amount;
        Fee = fee;
        Nonce = nonce;
        Signature = signature;

        // Hashed from the stack: every transaction decoded (relay, sync) computes its id here, and a fresh array
        // per transaction was about 350 bytes of garbage each.
        var size = SigningSize;
        Span<byte> signing = size <= StackSigningLimit ? stackalloc byte[StackSigningLimit] : new byte[size];
        var writer = new SpanWriter(signing[..size]);
        WriteSigningBytes(ref writer);
        Id = Hash256.Compute(signing[..size]);
    }

    // A decoded transaction: its id is SHA-256 of the encoding's prefix (the signing bytes as read are the canonical
    // ones), computed by the caller, with the rest of its block's in Block.Decode, as its sender address may be.
    private Transaction(in TransactionLayout layout, byte[] senderPublicKey, byte[] signature, Hash256 id, Address? sender)
    {
        Network = layout.Network;
        SenderPublicKey = senderPublicKey;
        Recipient = layout.Recipient;
        Amount = layout.Amount;
        Fee = layout.Fee;
        Nonce = layout.Nonce;
        Signature = signature;
        Id = id;
        if (sender is { } known)
        {
            _sender = known;
            _senderKnown = true;
        }
    }

    /// <summary>The network magic this transaction is valid on.</summary>
    public uint Network { get; }

    /// <summary>Sender's RSA public key as SubjectPublicKeyInfo DER; empty for a coinbase.</summary>
    public byte[] SenderPublicKey { get; }

    /// <summary>Receiving address.</summary>
    public Address Recipient { get; }

    /// <summary>Units transferred.</summary>
    public long Amount { get; }

    /// <summary>Units paid to the miner.</summary>
    public long Fee { get; }

    /// <summary>The sender's sequence number (first transaction: 0); for a coinbase, the block height.</summary>
    public ulong Nonce { get; }

    /// <summary>RSA-PSS SHA-256 signature over <see cref="Id"/>; empty for a coinbase.</summary>
    public byte[] Signature { get; }

    /// <summary>SHA-256 of the signing bytes.</summary>
    public Hash256 Id { get; }

    /// <summary>Whether this is a block's reward transaction.</summary>
    public bool IsCoinbase => SenderPublicKey.Length == 0;

    /// <summary>The sender's address (derived from the key); <see cref="Address.Zero"/> for a coinbase.</summary>
    public Address Sender
    {
        get
        {
            if (Volatile.Read(ref _senderKnown))
            {
                return _sender;
            }

            var sender = IsCoinbase ? Address.Zero : Address.FromPublicKey(SenderPublicKey);
            _sender = sender;
            Volatile.Write(ref _senderKnown, true);
            return sender;
        }
    }

    /// <summary>Length of <see cref="GetSigningBytes"/>.</summary>
    public int SigningSize => FixedSigningSize + SenderPublicKey.Length;

    /// <summary>Length of <see cref="Encode()"/>.</summary>
    public int EncodedSize => SigningSize + 2 + Signature.Length;

    /// <summary>Creates and signs a transfer.</summary>
    public static Transaction CreateSigned(RSA senderKey, uint network, Address recipient, long amount, long fee, ulong nonce)
    {
        var unsigned = new Transaction(network, senderKey.ExportSubjectPublicKeyInfo(), recipient, amount, fee, nonce, []);
        return unsigned.WithSignature(senderKey);
    }

    /// <summary>Creates the reward transaction of the block at <paramref name="height"/>.</summary>
    public static Transaction CreateCoinbase(uint network, Address miner, long amount, uint height) =>
        new(network, [], miner, amount, 0, height, []);

    /// <summary>Builds a transaction from its fields as given (no validation).</summary>
    public static Transaction FromParts(uint network, byte[] senderPublicKey, Address recipient, long amount, long fee, ulong nonce, byte[] signature) =>
        new(network, senderPublicKey, recipient, amount, fee, nonce, signature);

    /// <summary>The same transaction signed with <paramref name="key"/>; the id does not change.</summary>
    public Transaction WithSignature(RSA key)
    {
        Span<byte> id = stackalloc byte[Hash256.Size];
        Id.WriteTo(id);
        return new Transaction(Network, SenderPublicKey, Recipient, Amount, Fee, Nonce, RsaPss.SignHash(key, id));
    }

    /// <summary>The canonical bytes that the id hashes and the signature covers.</summary>
    public byte[] GetSigningBytes()
    {
        var bytes = new byte[SigningSize];
        var writer = new SpanWriter(bytes);
        WriteSigningBytes(ref writer);
        return bytes;
    }

    /// <summary>The full canonical encoding.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedSize];
        Encode(bytes);
        return bytes;
    }

    /// <summary>Writes the full canonical encoding; returns the bytes written.</summary>
    public int Encode(Span<byte> destination)
    {
        var writer = new SpanWriter(destination);
        WriteSigningBytes(ref writer);
        writer.WriteUInt16((ushort)Signature.Length);
        writer.WriteBytes(Signature);
        return writer.Position;
    }

    /// <summary>Decodes exactly one transaction; throws <see cref="FormatException"/> on malformed input.</summary>
    public static Transaction Decode(ReadOnlySpan<byte> data)
    {
        var layout = TransactionLayout.Read(data);
        return new Transaction(
            layout,
            data.Slice(TransactionLayout.KeyOffset, layout.KeyLength).ToArray(),
            data[^layout.SignatureLength..].ToArray(),
            Hash256.Compute(data[..layout.SigningSize]),
            null);
    }

    /// <summary>
    /// The transaction <paramref name="layout"/> read from <paramref name="data"/>, with its id and sender computed
    /// already; <paramref name="senderPublicKey"/> holds the key's bytes (shared by a block's transactions from one key).
    /// </summary>
    internal static Transaction FromLayout(ReadOnlySpan<byte> data, in TransactionLayout layout, byte[] senderPublicKey, Hash256 id, Address sender) =>
        new(layout, senderPublicKey, data[^layout.SignatureLength..].ToArray(), id, sender);

    /// <summary>Checks the signature against the sender key; false for a coinbase or any malformed key.</summary>
    public bool VerifySignature()
    {
        if (IsCoinbase)
        {
            return false;
        }

        using var rsa = RsaPss.TryImportPublicKey(SenderPublicKey);
        if (rsa is null)
        {
            return false;
        }

        Span<byte> id = stackalloc byte[Hash256.Size];
        Id.WriteTo(id);
        return RsaPss.VerifyHash(rsa, id, Signature);
    }

    /// <summary>
    /// As <see cref="VerifySignature()"/>, with the sender key imported once per <paramref name="keys"/> rather than
    /// on every call; same result for every input.
    /// </summary>
    public bool VerifySignature(RsaPublicKeyCache keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (IsCoinbase)
        {
            return false;
        }

        Span<byte> id = stackalloc byte[Hash256.Size];
        Id.WriteTo(id);
        return keys.VerifyHash(SenderPublicKey, id, Signature);
    }

    /// <inheritdoc />
    public override string ToString() => Id.ToString();

    private void WriteSigningBytes(ref SpanWriter writer)
    {
        writer.WriteByte(CurrentVersion);
        writer.WriteUInt32(Network);
        writer.WriteUInt16((ushort)SenderPublicKey.Length);
        writer.WriteBytes(SenderPublicKey);
        Recipient.WriteTo(writer.Take(Address.Size));
        writer.WriteInt64(Amount);
        writer.WriteInt64(Fee);
        writer.WriteUInt64(Nonce);
    }
}
