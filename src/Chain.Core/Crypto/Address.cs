using System.Security.Cryptography;

namespace Chain.Core.Crypto;

/// <summary>
/// An account address: the first 20 bytes of SHA-256 over the owner's RSA public key in
/// SubjectPublicKeyInfo DER form, written as 40 lower-case hex characters.
/// </summary>
public readonly struct Address : IEquatable<Address>
{
    /// <summary>Address length in bytes.</summary>
    public const int Size = 20;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly uint _c;

    /// <summary>Reads an address from exactly 20 bytes.</summary>
    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"An address is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        _a = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    /// <summary>The all-zero address, which no key owns; the genesis block pays it.</summary>
    public static Address Zero => default;

    /// <summary>The address of a SubjectPublicKeyInfo DER public key.</summary>
    public static Address FromPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(subjectPublicKeyInfo, digest);
        return new Address(digest[..Size]);
    }

    /// <summary>Writes the 20 bytes into <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    /// <summary>Parses 40 hex characters.</summary>
    public static Address Parse(string text)
    {
        if (!TryParse(text, out var address))
        {
            throw new FormatException("An address is 40 hexadecimal characters.");
        }

        return address;
    }

    /// <summary>Parses 40 hex characters without throwing.</summary>
    public static bool TryParse(string? text, out Address address)
    {
        address = default;
        if (text is null || text.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        address = new Address(bytes);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => SaltedHasher.Hash(_a, _b, _c, Size);

    /// <summary>Lower-case hex, 40 characters.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Address left, Address right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Address left, Address right) => !left.Equals(right);
}
