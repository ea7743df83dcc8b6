using System.Runtime.CompilerServices;

namespace Chain.Core.Mining;

/// <summary>
/// The second-block SHA-256 compression for as many nonces at once as <typeparamref name="TOps"/> has lanes.
/// Rounds 0..4, the round inputs <c>K[t] + W[t]</c> of every nonce-invariant word and the invariant terms of
/// schedule words 20..35 come from <see cref="NonceBlockTemplate"/>. The schedule and the rounds are two
/// methods of modest size because the JIT stops inlining (and so stops keeping vectors in registers) in one
/// fully unrolled body; the rounds go eight at a time with the names rotated instead of the words moved.
/// </summary>
internal static class NonceKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ILaneOps<TVec>
{
    /// <summary>Fills <paramref name="inputs"/> with the round inputs that are the same for every nonce (once per search).</summary>
    public static void Prepare(NonceBlockTemplate template, ref RoundVectors<TVec> inputs)
    {
        var kw = template.RoundInputs;
        for (var t = 0; t < Sha256Compression.Rounds; t++)
        {
            inputs[t] = TOps.Broadcast(kw[t]);
        }
    }

    /// <summary>
    /// Writes the eight digest words of each lane to <paramref name="digest"/>, for the nonces whose low and high
    /// four bytes, read big-endian, are <paramref name="w5"/> and <paramref name="w6"/>. <paramref name="inputs"/>
    /// must have been through <see cref="Prepare"/>; <paramref name="words"/> is scratch.
    /// </summary>
    public static void Hash(NonceBlockTemplate template, TVec w5, TVec w6, ref RoundVectors<TVec> inputs, ref RoundVectors<TVec> words, Span<TVec> digest)
    {
        Expand(template.InvariantTerms, w5, w6, ref inputs, ref words);
        Compress(template, ref inputs, digest);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Expand(ReadOnlySpan<uint> invariant, TVec w5, TVec w6, ref RoundVectors<TVec> inputs, ref RoundVectors<TVec> w)
    {
        var k = Sha256Compression.RoundConstants;
        inputs[5] = TOps.Add(w5, TOps.Broadcast(k[5]));
        inputs[6] = TOps.Add(w6, TOps.Broadcast(k[6]));

        // Words 20..35 still have invariant terms (the padding's zeros drop out of many); add only the rest.
        w[20] = TOps.Add(TOps.SmallSigma0(w5), TOps.Broadcast(invariant[20]));
        w[21] = TOps.Add(TOps.Add(TOps.SmallSigma0(w6), w5), TOps.Broadcast(invariant[21]));
        w[22] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[20]), w6), TOps.Broadcast(invariant[22]));
        w[23] = TOps.Add(TOps.SmallSigma1(w[21]), TOps.Broadcast(invariant[23]));
        w[24] = TOps.Add(TOps.SmallSigma1(w[22]), TOps.Broadcast(invariant[24]));
        w[25] = TOps.Add(TOps.SmallSigma1(w[23]), TOps.Broadcast(invariant[25]));
        w[26] = TOps.Add(TOps.SmallSigma1(w[24]), TOps.Broadcast(invariant[26]));
        w[27] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[25]), w[20]), TOps.Broadcast(invariant[27]));
        w[28] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[26]), w[21]), TOps.Broadcast(invariant[28]));
        w[29] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[27]), w[22]), TOps.Broadcast(invariant[29]));
        w[30] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[28]), w[23]), TOps.Broadcast(invariant[30]));
        w[31] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[29]), w[24]), TOps.Broadcast(invariant[31]));
        w[32] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[30]), w[25]), TOps.Broadcast(invariant[32]));
        w[33] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[31]), w[26]), TOps.Broadcast(invariant[33]));
        w[34] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[32]), w[27]), TOps.Broadcast(invariant[34]));
        w[35] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[33]), w[28]), TOps.Add(TOps.SmallSigma0(w[20]), TOps.Broadcast(invariant[35])));

        for (var t = NonceBlockTemplate.LastPartlyInvariantWord + 1; t < Sha256Compression.Rounds; t++)
        {
            w[t] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[t - 2]), w[t - 7]), TOps.Add(TOps.SmallSigma0(w[t - 15]), w[t - 16]));
        }

        for (var t = NonceBlockTemplate.FirstVaryingScheduleWord; t < Sha256Compression.Rounds; t++)
        {
            inputs[t] = TOps.Add(w[t], TOps.Broadcast(k[t]));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Compress(NonceBlockTemplate template, ref RoundVectors<TVec> inputs, Span<TVec> digest)
    {
        // Entering round 5 the working variable a is held in the local named d (names rotate one per round).
        var state = template.StateAfterFixedRounds;
        var d = TOps.Broadcast(state[0]);
        var e = TOps.Broadcast(state[1]);
        var f = TOps.Broadcast(state[2]);
        var g = TOps.Broadcast(state[3]);
        var h = TOps.Broadcast(state[4]);
        var a = TOps.Broadcast(state[5]);
        var b = TOps.Broadcast(state[6]);
        var c = TOps.Broadcast(state[7]);

        Round(d, e, f, ref g, h, a, b, ref c, inputs[5]);
        Round(c, d, e, ref f, g, h, a, ref b, inputs[6]);
        Round(b, c, d, ref e, f, g, h, ref a, inputs[7]);
        for (var t = 8; t < Sha256Compression.Rounds; t += 8)
        {
            Round(a, b, c, ref d, e, f, g, ref h, inputs[t]);
            Round(h, a, b, ref c, d, e, f, ref g, inputs[t + 1]);
            Round(g, h, a, ref b, c, d, e, ref f, inputs[t + 2]);
            Round(f, g, h, ref a, b, c, d, ref e, inputs[t + 3]);
            Round(e, f, g, ref h, a, b, c, ref d, inputs[t + 4]);
            Round(d, e, f, ref g, h, a, b, ref c, inputs[t + 5]);
            Round(c, d, e, ref f, g, h, a, ref b, inputs[t + 6]);
            Round(b, c, d, ref e, f, g, h, ref a, inputs[t + 7]);
        }

        var midstate = template.Midstate;
        digest[0] = TOps.Add(a, TOps.Broadcast(midstate[0]));
        digest[1] = TOps.Add(b, TOps.Broadcast(midstate[1]));
        digest[2] = TOps.Add(c, TOps.Broadcast(midstate[2]));
        digest[3] = TOps.Add(d, TOps.Broadcast(midstate[3]));
        digest[4] = TOps.Add(e, TOps.Broadcast(midstate[4]));
        digest[5] = TOps.Add(f, TOps.Broadcast(midstate[5]));
        digest[6] = TOps.Add(g, TOps.Broadcast(midstate[6]));
        digest[7] = TOps.Add(h, TOps.Broadcast(midstate[7]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(TVec a, TVec b, TVec c, ref TVec d, TVec e, TVec f, TVec g, ref TVec h, TVec kw)
    {
        var t1 = TOps.Add(TOps.Add(h, TOps.BigSigma1(e)), TOps.Add(TOps.Choose(e, f, g), kw));
        d = TOps.Add(d, t1);
        h = TOps.Add(t1, TOps.Add(TOps.BigSigma0(a), TOps.Majority(a, b, c)));
    }
}
