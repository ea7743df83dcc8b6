using System.Security.Cryptography;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Encoding;

namespace Chain.Core.Ledger;

/// <summary>
/// A block header. Version 1 is the fixed-size header that proof of work hashes: its hash is SHA-256 of the 92 bytes
/// below, read as a big-endian number when compared with the target, and bytes 0..63 do not change while a miner
/// searches nonces, so their SHA-256 midstate is computed once per template. The sealed header of proof of
/// authority (version <see cref="SealedVersion"/>) is the same 92 bytes, then the vote, the signer list of a
/// checkpoint, the signer's public key and its RSA-PSS signature over <see cref="SealHash"/>. The hash of either is
/// SHA-256 of the whole encoding (the signature included).
/// </summary>
/// <remarks>
/// Layout (integers little-endian): <c>version:u32 | height:u32 | previous:32 | merkleRoot:32 |
/// timestamp:i64 (Unix seconds) | bits:u32 (compact target; when sealed the difficulty, 1 or 2) | nonce:u64</c>,
/// and for version 0x100 (sealed) only: <c>vote:u8 | candidate:20 | signerCount:u8 | signer:20 × signerCount |
/// signerKeyLength:u16 | signerKey (SubjectPublicKeyInfo DER) | signatureLength:u16 | signature</c>.
/// </remarks>
public sealed class BlockHeader
{
    /// <summary>Encoded length in bytes of a version-1 (proof-of-work) header, and of the part every header starts with.</summary>
    public const int Size = 92;

    /// <summary>Offset of the timestamp in the encoding.</summary>
    public const int TimestampOffset = 72;

    /// <summary>Offset of the nonce in the encoding.</summary>
    public const int NonceOffset = 84;

    /// <summary>The proof-of-work header version.</summary>
    public const uint CurrentVersion = 1;

    /// <summary>
    /// The sealed (proof-of-authority) header version, 0x100: every other version keeps the 92-byte form, so a header of
    /// an unknown version still decodes and is refused by the rules (as <see cref="BlockError.BadVersion"/>) rather than
    /// as malformed bytes.
    /// </summary>
    public const uint SealedVersion = 0x100;

    /// <summary>Most signers a checkpoint header may list.</summary>
    public const int MaxSigners = 64;

    /// <summary>Largest signer key in a sealed header, in bytes (as for a transaction's sender key).</summary>
    public const int MaxSignerKeySize = Transaction.MaxPublicKeySize;

    /// <summary>Largest signature in a sealed header, in bytes.</summary>
    public const int MaxSignatureSize = Transaction.MaxSignatureSize;

    /// <summary>Length of a sealed header with no signers, no key and no signature.</summary>
    public const int SealedFixedSize = Size + 1 + Address.Size + 1 + 2 + 2;

    /// <summary>Largest encoded header of any version.</summary>
    public const int MaxSize = SealedFixedSize + (MaxSigners * Address.Size) + MaxSignerKeySize + MaxSignatureSize;

    private Address? _signer;

    /// <summary>Creates a header and computes its hash (a sealed header so made has no vote, signers, key or signature).</summary>
    public BlockHeader(uint version, uint height, Hash256 previousHash, Hash256 merkleRoot, long timestamp, uint bits, ulong nonce)
        : this(version, height, previousHash, merkleRoot, timestamp, bits, nonce, SignerVote.None, [], [], [])
    {
    }

    private BlockHeader(
        uint version, uint height, Hash256 previousHash, Hash256 merkleRoot, long timestamp, uint bits, ulong nonce,
        SignerVote vote, IReadOnlyList<Address> signers, byte[] signerKey, byte[] signature)
    {
        Version = version;
        Height = height;
        PreviousHash = previousHash;
        MerkleRoot = merkleRoot;
        Timestamp = timestamp;
        Bits = bits;
        Nonce = nonce;
        Vote = vote;
        Signers = signers;
        SignerKey = signerKey;
        Signature = signature;
        if (version != SealedVersion)
        {
            Span<byte> bytes = stackalloc byte[Size];
            Encode(bytes);
            Hash = Hash256.Compute(bytes);
        }
        else
        {
            var bytes = Encode();
            Hash = Hash256.Compute(bytes);
            SealHash = Hash256.Compute(bytes.AsSpan(0, bytes.Length - 2 - signature.Length));
        }
    }

    /// <summary>
    /// A sealed (version 0x100) header; <paramref name="signature"/> is empty until <see cref="WithSignature"/> adds it.
    /// Throws <see cref="ArgumentException"/> when a part exceeds its limit.
    /// </summary>
    public static BlockHeader CreateSealed(
        uint height, Hash256 previousHash, Hash256 merkleRoot, long timestamp, uint difficulty,
        SignerVote vote, IReadOnlyList<Address> signers, byte[] signerKey, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(signers);
        ArgumentNullException.ThrowIfNull(signerKey);
        ArgumentNullException.ThrowIfNull(signature);
        if (signers.Count > MaxSigners || signerKey.Length > MaxSignerKeySize || signature.Length > MaxSignatureSize || !Enum.IsDefined(vote.Kind))
        {
            throw new ArgumentException($"A sealed header holds at most {MaxSigners} signers, a {MaxSignerKeySize}-byte key, a {MaxSignatureSize}-byte signature and a known vote.");
        }

        return new BlockHeader(SealedVersion, height, previousHash, merkleRoot, timestamp, difficulty, 0, vote, [.. signers], signerKey, signature);
    }

    /// <summary>Header version.</summary>
    public uint Version { get; }

    /// <summary>Distance from genesis (genesis is 0).</summary>
    public uint Height { get; }

    /// <summary>Hash of the parent block's header.</summary>
    public Hash256 PreviousHash { get; }

    /// <summary>Merkle root of the block's transaction ids.</summary>
    public Hash256 MerkleRoot { get; }

    /// <summary>Unix time in seconds.</summary>
    public long Timestamp { get; }

    /// <summary>The difficulty target in compact form (see <see cref="Target"/>); in a sealed header, the difficulty (2 in turn, 1 out of turn).</summary>
    public uint Bits { get; }

    /// <summary>The proof-of-work nonce (0 in a sealed header).</summary>
    public ulong Nonce { get; }

    /// <summary>Whether this is a sealed (proof-of-authority) header.</summary>
    public bool IsSealed => Version == SealedVersion;

    /// <summary>The signer set change the sealer proposes (sealed headers only).</summary>
    public SignerVote Vote { get; }

    /// <summary>The signers, in turn order, that a checkpoint header lists (empty otherwise).</summary>
    public IReadOnlyList<Address> Signers { get; }

    /// <summary>The sealer's RSA public key, SubjectPublicKeyInfo DER (sealed headers only).</summary>
    public byte[] SignerKey { get; }

    /// <summary>The sealer's RSA-PSS signature over <see cref="SealHash"/> (sealed headers only).</summary>
    public byte[] Signature { get; }

    /// <summary>The address of <see cref="SignerKey"/> (zero without a key).</summary>
    public Address Signer => _signer ??= SignerKey.Length == 0 ? Address.Zero : Address.FromPublicKey(SignerKey);

    /// <summary>SHA-256 of the encoding without the signature and its length: what the sealer signs (default for version 1).</summary>
    public Hash256 SealHash { get; }

    /// <summary>SHA-256 of the encoding.</summary>
    public Hash256 Hash { get; }

    /// <summary>Length of the encoding in bytes.</summary>
    public int EncodedSize => IsSealed
        ? SealedFixedSize + (Signers.Count * Address.Size) + SignerKey.Length + Signature.Length
        : Size;

    /// <summary>The same header with another nonce (and so another hash).</summary>
    public BlockHeader WithNonce(ulong nonce) =>
        new(Version, Height, PreviousHash, MerkleRoot, Timestamp, Bits, nonce, Vote, Signers, SignerKey, Signature);

    /// <summary>The same sealed header with <paramref name="signature"/> (and so another hash).</summary>
    public BlockHeader WithSignature(byte[] signature) =>
        CreateSealed(Height, PreviousHash, MerkleRoot, Timestamp, Bits, Vote, Signers, SignerKey, signature);

    /// <summary>The same sealed header signed with <paramref name="key"/> (RSA-PSS over <see cref="SealHash"/>).</summary>
    public BlockHeader Sign(RSA key)
    {
        Span<byte> digest = stackalloc byte[Hash256.Size];
        SealHash.WriteTo(digest);
        return WithSignature(RsaPss.SignHash(key, digest));
    }

    /// <summary>Writes the encoding (<see cref="EncodedSize"/> bytes).</summary>
    public void Encode(Span<byte> destination)
    {
        var writer = new SpanWriter(destination);
        writer.WriteUInt32(Version);
        writer.WriteUInt32(Height);
        PreviousHash.WriteTo(writer.Take(Hash256.Size));
        MerkleRoot.WriteTo(writer.Take(Hash256.Size));
        writer.WriteInt64(Timestamp);
        writer.WriteUInt32(Bits);
        writer.WriteUInt64(Nonce);
        if (!IsSealed)
        {
            return;
        }

        writer.WriteByte((byte)Vote.Kind);
        Vote.Candidate.WriteTo(writer.Take(Address.Size));
        writer.WriteByte((byte)Signers.Count);
        foreach (var signer in Signers)
        {
            signer.WriteTo(writer.Take(Address.Size));
        }

        writer.WriteUInt16((ushort)SignerKey.Length);
        writer.WriteBytes(SignerKey);
        writer.WriteUInt16((ushort)Signature.Length);
        writer.WriteBytes(Signature);
    }

    /// <summary>The encoding as a new array.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedSize];
        Encode(bytes);
        return bytes;
    }

    /// <summary>Decodes exactly one header; throws <see cref="FormatException"/> otherwise.</summary>
    public static BlockHeader Decode(ReadOnlySpan<byte> data)
    {
        var reader = new SpanReader(data);
        var header = Read(ref reader);
        reader.EnsureEnd("Block header");
        return header;
    }

    /// <summary>Reads a header from <paramref name="reader"/>; throws <see cref="FormatException"/> when malformed.</summary>
    public static BlockHeader Read(ref SpanReader reader)
    {
        var version = reader.ReadUInt32();
        var height = reader.ReadUInt32();
        var previous = new Hash256(reader.ReadBytes(Hash256.Size));
        var merkle = new Hash256(reader.ReadBytes(Hash256.Size));
        var timestamp = reader.ReadInt64();
        var bits = reader.ReadUInt32();
        var nonce = reader.ReadUInt64();
        if (version != SealedVersion)
        {
            return new BlockHeader(version, height, previous, merkle, timestamp, bits, nonce);
        }

        var kind = reader.ReadByte();
        if (!Enum.IsDefined((VoteKind)kind))
        {
            throw new FormatException($"Sealed header with unknown vote {kind}.");
        }

        var candidate = new Address(reader.ReadBytes(Address.Size));
        var count = reader.ReadByte();
        if (count > MaxSigners)
        {
            throw new FormatException($"Sealed header lists {count} signers, more than {MaxSigners}.");
        }

        var signers = new Address[count];
        for (var i = 0; i < signers.Length; i++)
        {
            signers[i] = new Address(reader.ReadBytes(Address.Size));
        }

        var keyLength = reader.ReadUInt16();
        if (keyLength > MaxSignerKeySize)
        {
            throw new FormatException($"Signer key of {keyLength} bytes exceeds {MaxSignerKeySize}.");
        }

        var key = reader.ReadBytes(keyLength).ToArray();
        var signatureLength = reader.ReadUInt16();
        if (signatureLength > MaxSignatureSize)
        {
            throw new FormatException($"Seal of {signatureLength} bytes exceeds {MaxSignatureSize}.");
        }

        var signature = reader.ReadBytes(signatureLength).ToArray();
        return new BlockHeader(version, height, previous, merkle, timestamp, bits, nonce, new SignerVote(candidate, (VoteKind)kind), signers, key, signature);
    }

    /// <inheritdoc />
    public override string ToString() => Hash.ToString();
}
