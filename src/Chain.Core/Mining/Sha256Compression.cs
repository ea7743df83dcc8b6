using System.Buffers.Binary;
using System.Numerics;

namespace Chain.Core.Mining;

/// <summary>
/// The SHA-256 compression function (FIPS 180-4, section 6.2.2) on a state of eight words and a block of
/// sixteen big-endian message words: the scalar reference that the multi-lane nonce search is checked against.
/// </summary>
internal static class Sha256Compression
{
    /// <summary>Words in the chaining state.</summary>
    public const int StateWords = 8;

    /// <summary>Words in one 64-byte message block.</summary>
    public const int BlockWords = 16;

    /// <summary>Bytes in one message block.</summary>
    public const int BlockSize = 64;

    /// <summary>Rounds per compression.</summary>
    public const int Rounds = 64;

    /// <summary>The initial hash value H(0).</summary>
    public static ReadOnlySpan<uint> InitialState =>
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    /// <summary>The round constants K(0..63).</summary>
    public static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>The state after compressing one 64-byte block from the initial hash value.</summary>
    public static void Midstate(ReadOnlySpan<byte> firstBlock, Span<uint> state)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(firstBlock.Length, BlockSize, nameof(firstBlock));
        Span<uint> block = stackalloc uint[BlockWords];
        ReadBlock(firstBlock, block);
        InitialState.CopyTo(state);
        Compress(state, block);
    }

    /// <summary>Reads 64 bytes as sixteen big-endian words.</summary>
    public static void ReadBlock(ReadOnlySpan<byte> bytes, Span<uint> block)
    {
        for (var i = 0; i < BlockWords; i++)
        {
            block[i] = BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 * i)..]);
        }
    }

    /// <summary>Compresses one block of sixteen message words into <paramref name="state"/>.</summary>
    public static void Compress(Span<uint> state, ReadOnlySpan<uint> block)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(state.Length, StateWords, nameof(state));
        ArgumentOutOfRangeException.ThrowIfNotEqual(block.Length, BlockWords, nameof(block));
        Span<uint> w = stackalloc uint[Rounds];
        block.CopyTo(w);
        for (var t = BlockWords; t < Rounds; t++)
        {
            w[t] = SmallSigma1(w[t - 2]) + w[t - 7] + SmallSigma0(w[t - 15]) + w[t - 16];
        }

        var k = RoundConstants;
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        for (var t = 0; t < Rounds; t++)
        {
            var t1 = h + BigSigma1(e) + Choose(e, f, g) + k[t] + w[t];
            var t2 = BigSigma0(a) + Majority(a, b, c);
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /// <summary>One round on the named state words: <paramref name="d"/> and <paramref name="h"/> are updated in place.</summary>
    public static void Round(uint a, uint b, uint c, ref uint d, uint e, uint f, uint g, ref uint h, uint kw)
    {
        var t1 = h + BigSigma1(e) + Choose(e, f, g) + kw;
        d += t1;
        h = t1 + BigSigma0(a) + Majority(a, b, c);
    }

    /// <summary>Σ0.</summary>
    public static uint BigSigma0(uint x) => BitOperations.RotateRight(x, 2) ^ BitOperations.RotateRight(x, 13) ^ BitOperations.RotateRight(x, 22);

    /// <summary>Σ1.</summary>
    public static uint BigSigma1(uint x) => BitOperations.RotateRight(x, 6) ^ BitOperations.RotateRight(x, 11) ^ BitOperations.RotateRight(x, 25);

    /// <summary>σ0 of the message schedule.</summary>
    public static uint SmallSigma0(uint x) => BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);

    /// <summary>σ1 of the message schedule.</summary>
    public static uint SmallSigma1(uint x) => BitOperations.RotateRight(x, 17) ^ BitOperations.RotateRight(x, 19) ^ (x >> 10);

    /// <summary>Ch: bits of <paramref name="f"/> where <paramref name="e"/> is set, else of <paramref name="g"/>.</summary>
    public static uint Choose(uint e, uint f, uint g) => (e & f) ^ (~e & g);

    /// <summary>Maj: the majority of each bit.</summary>
    public static uint Majority(uint a, uint b, uint c) => (a & b) ^ (a & c) ^ (b & c);
}
