using System.Buffers.Binary;

namespace Chain.Core.Mining;

/// <summary>
/// Everything about the second SHA-256 block of a header that does not depend on the nonce, worked out once
/// per template. The second block holds header bytes 64..91 and the padding; as big-endian words:
/// <c>W0..W1</c> the end of the Merkle root, <c>W2..W3</c> the timestamp, <c>W4</c> the bits, <c>W5</c> and
/// <c>W6</c> the nonce's low and high four bytes, <c>W7 = 0x80000000</c>, <c>W8..W14 = 0</c> and <c>W15</c>
/// the message length in bits. Only <c>W5</c>, <c>W6</c> and the schedule words from <c>W20</c> on vary with
/// the nonce, so rounds 0..4, schedule words 16..19 and the invariant terms of words 20..35 are constants.
/// </summary>
internal sealed class NonceBlockTemplate
{
    /// <summary>First round that depends on the nonce.</summary>
    public const int FirstNonceRound = 5;

    /// <summary>First schedule word beyond the block that depends on the nonce.</summary>
    public const int FirstVaryingScheduleWord = 20;

    /// <summary>Last schedule word with an invariant term worth folding in.</summary>
    public const int LastPartlyInvariantWord = 35;

    private const int HeaderSize = 92;
    private const int NonceWordLow = 5;
    private const int NonceWordHigh = 6;

    private readonly uint[] _midstate = new uint[Sha256Compression.StateWords];
    private readonly uint[] _stateAfterFixedRounds = new uint[Sha256Compression.StateWords];
    private readonly uint[] _block = new uint[Sha256Compression.BlockWords];
    private readonly uint[] _roundInputs = new uint[Sha256Compression.Rounds];
    private readonly uint[] _invariantTerms = new uint[Sha256Compression.Rounds];

    /// <summary>Precomputes from a 92-byte header (its nonce bytes are ignored).</summary>
    public NonceBlockTemplate(ReadOnlySpan<byte> header)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(header.Length, HeaderSize, nameof(header));
        Sha256Compression.Midstate(header[..Sha256Compression.BlockSize], _midstate);

        Span<byte> second = stackalloc byte[Sha256Compression.BlockSize];
        second.Clear();
        header[Sha256Compression.BlockSize..].CopyTo(second);
        second[HeaderSize - Sha256Compression.BlockSize] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(second[^8..], HeaderSize * 8);
        Sha256Compression.ReadBlock(second, _block);
        _block[NonceWordLow] = 0;
        _block[NonceWordHigh] = 0;

        // The schedule with the nonce words zeroed: exact for invariant words, and for a varying word the sum
        // of its invariant terms (each varying term then being added by the kernel).
        Span<uint> w = stackalloc uint[Sha256Compression.Rounds];
        _block.CopyTo(w);
        for (var t = Sha256Compression.BlockWords; t <= LastPartlyInvariantWord; t++)
        {
            w[t] = Term(w, t - 2, Sha256Compression.SmallSigma1) + Term(w, t - 7, null)
                + Term(w, t - 15, Sha256Compression.SmallSigma0) + Term(w, t - 16, null);
            _invariantTerms[t] = w[t];
        }

        var k = Sha256Compression.RoundConstants;
        for (var t = 0; t < Sha256Compression.Rounds; t++)
        {
            _roundInputs[t] = k[t] + (IsVarying(t) ? 0 : w[t]);
        }

        _midstate.CopyTo(_stateAfterFixedRounds.AsSpan());
        var s = _stateAfterFixedRounds;
        for (var t = 0; t < FirstNonceRound; t++)
        {
            // Rotate names instead of words: round t's a is word (8 - t) mod 8.
            int Ix(int i) => (i - t + 8) & 7;
            Sha256Compression.Round(s[Ix(0)], s[Ix(1)], s[Ix(2)], ref s[Ix(3)], s[Ix(4)], s[Ix(5)], s[Ix(6)], ref s[Ix(7)], _roundInputs[t]);
        }

        // Undo the name rotation so that index i is word i of the state entering round 5.
        Span<uint> rotated = stackalloc uint[Sha256Compression.StateWords];
        for (var i = 0; i < rotated.Length; i++)
        {
            rotated[i] = s[(i - FirstNonceRound + 8) & 7];
        }

        rotated.CopyTo(_stateAfterFixedRounds);
    }

    /// <summary>SHA-256 state after the first block (header bytes 0..63).</summary>
    public ReadOnlySpan<uint> Midstate => _midstate;

    /// <summary>The working variables a..h entering round 5, the first one that reads the nonce.</summary>
    public ReadOnlySpan<uint> StateAfterFixedRounds => _stateAfterFixedRounds;

    /// <summary>The second block's sixteen words with the nonce words (5 and 6) zero.</summary>
    public ReadOnlySpan<uint> Block => _block;

    /// <summary>K[t] + W[t] for each round whose word is invariant; K[t] alone for the others.</summary>
    public ReadOnlySpan<uint> RoundInputs => _roundInputs;

    /// <summary>For schedule words 16..35, the sum of their nonce-invariant terms.</summary>
    public ReadOnlySpan<uint> InvariantTerms => _invariantTerms;

    /// <summary>Whether word <paramref name="t"/> of the schedule depends on the nonce.</summary>
    public static bool IsVarying(int t) => t is NonceWordLow or NonceWordHigh || t >= FirstVaryingScheduleWord;

    private static uint Term(ReadOnlySpan<uint> w, int index, Func<uint, uint>? sigma) =>
        IsVarying(index) ? 0 : sigma is null ? w[index] : sigma(w[index]);
}
