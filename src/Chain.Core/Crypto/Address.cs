using System.Security.Cryptography;
using Chain.Core.Encoding;

namespace Chain.Core.Crypto;

/// <summary>
/// An account address: the first 20 bytes of SHA-256 over the owner's RSA public key in
/// SubjectPublicKeyInfo DER form. People see and type it in its checksummed text form (<see cref="ToText"/>,
/// Bech32m under the network's prefix, e.g. <c>chain1…</c>); the 40 lower-case hex characters of
/// <see cref="ToString"/> are the internal form (files, logs, tests) and carry no checksum.
/// </summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
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

    /// <summary>The checksummed text form: Bech32m of the 20 bytes under <paramref name="prefix"/> (ENCODING.md, "Address").</summary>
    public string ToText(string prefix)
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Bech32m.Encode(prefix, bytes);
    }

    /// <summary>
    /// Parses the checksummed text form under <paramref name="prefix"/>. A bare 40-hex address (no checksum), another
    /// network's prefix, a failed checksum or a wrong length are refused with a <paramref name="error"/> that says which.
    /// </summary>
    public static bool TryParseText(string? text, string prefix, out Address address, out string? error)
    {
        address = default;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "an address is required";
            return false;
        }

        if (text.Length == Size * 2 && text.All(char.IsAsciiHexDigit))
        {
            error = $"'{text}' is a bare 40-hex address, which has no checksum: give the checksummed form ({prefix}1…, as the 'address' command prints it)";
            return false;
        }

        var decoded = Bech32m.TryDecode(text, out var reason);
        if (decoded is null)
        {
            error = text.Contains('1', StringComparison.Ordinal) && text.StartsWith(prefix + "1", StringComparison.OrdinalIgnoreCase)
                ? $"'{Cut(text)}' is not a valid address: {reason} (a mistyped character?)"
                : $"'{Cut(text)}' is not an address ({prefix}1… with a checksum): {reason}";
            return false;
        }

        var (actualPrefix, data) = decoded.Value;
        if (actualPrefix != prefix)
        {
            error = $"'{Cut(text)}' is an address for another network (prefix '{actualPrefix}', this network's is '{prefix}')";
            return false;
        }

        if (data.Length != Size)
        {
            error = $"'{Cut(text)}' holds {data.Length} bytes, not the {Size} of an address";
            return false;
        }

        address = new Address(data);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    /// <summary>Orders addresses by their bytes (the order of a proof-of-authority signer set).</summary>
    public int CompareTo(Address other)
    {
        var order = _a.CompareTo(other._a);
        if (order == 0)
        {
            order = _b.CompareTo(other._b);
        }

        return order != 0 ? order : _c.CompareTo(other._c);
    }

    /// <inheritdoc />
    public override int GetHashCode() => SaltedHasher.Hash(_a, _b, _c, Size);

    /// <summary>Lower-case hex, 40 characters: the internal form, without checksum (see <see cref="ToText"/>).</summary>
    public override string ToString() => Convert.ToHexStringLower(ToBytes());

    private byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    // Echoing a pasted megabyte back helps nobody.
    private static string Cut(string text) => text.Length <= Bech32m.MaxLength ? text : text[..Bech32m.MaxLength] + "…";

    /// <summary>Equality.</summary>
    public static bool operator ==(Address left, Address right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Address left, Address right) => !left.Equals(right);
}
