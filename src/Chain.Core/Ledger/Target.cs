using System.Numerics;
using Chain.Core.Crypto;

namespace Chain.Core.Ledger;

/// <summary>
/// Difficulty targets. A header is valid proof of work when its hash, read as a big-endian 256-bit number,
/// is at most the target. Targets travel in Bitcoin's compact form: <c>bits = exponent:8 | mantissa:24</c>,
/// target = mantissa * 256^(exponent - 3); a mantissa with its top bit set (negative) or a target above
/// 2^256 - 1 is invalid. The work of a block is 2^256 / (target + 1), the expected number of hashes.
/// </summary>
public static class Target
{
    private static readonly BigInteger TwoTo256 = BigInteger.One << 256;

    /// <summary>Expands compact bits; false for a negative, zero or overflowing encoding.</summary>
    public static bool TryExpand(uint bits, out BigInteger target)
    {
        var exponent = (int)(bits >> 24);
        var mantissa = bits & 0x007f_ffffu;
        target = BigInteger.Zero;
        if ((bits & 0x0080_0000u) != 0 || mantissa == 0)
        {
            return false;
        }

        target = exponent <= 3
            ? new BigInteger(mantissa >> (8 * (3 - exponent)))
            : new BigInteger(mantissa) << (8 * (exponent - 3));
        return !target.IsZero && target < TwoTo256;
    }

    /// <summary>Expands compact bits; throws <see cref="ArgumentException"/> for invalid bits.</summary>
    public static BigInteger Expand(uint bits) =>
        TryExpand(bits, out var target) ? target : throw new ArgumentException($"Invalid compact target 0x{bits:x8}.", nameof(bits));

    /// <summary>Compresses a positive target (rounding down to 23 significant bits).</summary>
    public static uint Compress(BigInteger target)
    {
        if (target.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(target), "A target is positive.");
        }

        var size = (int)((target.GetBitLength() + 7) / 8);
        uint mantissa = size <= 3
            ? (uint)(target << (8 * (3 - size)))
            : (uint)(target >> (8 * (size - 3)));
        if ((mantissa & 0x0080_0000u) != 0)
        {
            mantissa >>= 8;
            size++;
        }

        return ((uint)size << 24) | mantissa;
    }

    /// <summary>Whether <paramref name="hash"/> meets <paramref name="target"/>.</summary>
    public static bool IsMetBy(Hash256 hash, BigInteger target)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        hash.WriteTo(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true) <= target;
    }

    /// <summary>The hash as a 256-bit big-endian number laid out for a fast compare with <see cref="IsMetBy(Hash256, BigInteger)"/>.</summary>
    public static Hash256 ToHash(BigInteger target)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        bytes.Clear();
        var raw = target.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes[(Hash256.Size - raw.Length)..]);
        return new Hash256(bytes);
    }

    /// <summary>Expected hashes to meet <paramref name="bits"/>: 2^256 / (target + 1), saturated to 128 bits.</summary>
    public static UInt128 Work(uint bits)
    {
        var work = TwoTo256 / (Expand(bits) + 1);
        return work > (BigInteger)UInt128.MaxValue ? UInt128.MaxValue : (UInt128)work;
    }

    /// <summary>The difficulty as a multiple of the easiest main-network target, for display.</summary>
    public static double Difficulty(uint bits, uint easiestBits)
    {
        var ratio = Expand(easiestBits) * 1_000_000 / Expand(bits);
        return (double)ratio / 1_000_000;
    }
}
