using Chain.Core.Crypto;
using Chain.Core.Encoding;

namespace Chain.Core.Ledger;

/// <summary>
/// The fixed-size header that proof of work hashes. Its hash is SHA-256 of the 92 bytes below, read as a
/// big-endian number when compared with the target. Bytes 0..63 do not change while a miner searches
/// nonces, so their SHA-256 midstate is computed once per template.
/// </summary>
/// <remarks>
/// Layout (integers little-endian): <c>version:u32 | height:u32 | previous:32 | merkleRoot:32 |
/// timestamp:i64 (Unix seconds) | bits:u32 (compact target) | nonce:u64</c>.
/// </remarks>
public sealed class BlockHeader
{
    /// <summary>Encoded length in bytes.</summary>
    public const int Size = 92;

    /// <summary>Offset of the timestamp in the encoding.</summary>
    public const int TimestampOffset = 72;

    /// <summary>Offset of the nonce in the encoding.</summary>
    public const int NonceOffset = 84;

    /// <summary>The only header version.</summary>
    public const uint CurrentVersion = 1;

    /// <summary>Creates a header and computes its hash.</summary>
    public BlockHeader(uint version, uint height, Hash256 previousHash, Hash256 merkleRoot, long timestamp, uint bits, ulong nonce)
    {
        Version = version;
        Height = height;
        PreviousHash = previousHash;
        MerkleRoot = merkleRoot;
        Timestamp = timestamp;
        Bits = bits;
        Nonce = nonce;
        Span<byte> bytes = stackalloc byte[Size];
        Encode(bytes);
        Hash = Hash256.Compute(bytes);
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

    /// <summary>The difficulty target in compact form (see <see cref="Target"/>).</summary>
    public uint Bits { get; }

    /// <summary>The proof-of-work nonce.</summary>
    public ulong Nonce { get; }

    /// <summary>SHA-256 of the encoding.</summary>
    public Hash256 Hash { get; }

    /// <summary>The same header with another nonce (and so another hash).</summary>
    public BlockHeader WithNonce(ulong nonce) => new(Version, Height, PreviousHash, MerkleRoot, Timestamp, Bits, nonce);

    /// <summary>Writes the 92-byte encoding.</summary>
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
    }

    /// <summary>The 92-byte encoding as a new array.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[Size];
        Encode(bytes);
        return bytes;
    }

    /// <summary>Decodes 92 bytes; throws <see cref="FormatException"/> otherwise.</summary>
    public static BlockHeader Decode(ReadOnlySpan<byte> data)
    {
        var reader = new SpanReader(data);
        var header = Read(ref reader);
        reader.EnsureEnd("Block header");
        return header;
    }

    /// <summary>Reads a header from <paramref name="reader"/>.</summary>
    public static BlockHeader Read(ref SpanReader reader)
    {
        var version = reader.ReadUInt32();
        var height = reader.ReadUInt32();
        var previous = new Hash256(reader.ReadBytes(Hash256.Size));
        var merkle = new Hash256(reader.ReadBytes(Hash256.Size));
        var timestamp = reader.ReadInt64();
        var bits = reader.ReadUInt32();
        var nonce = reader.ReadUInt64();
        return new BlockHeader(version, height, previous, merkle, timestamp, bits, nonce);
    }

    /// <inheritdoc />
    public override string ToString() => Hash.ToString();
}
