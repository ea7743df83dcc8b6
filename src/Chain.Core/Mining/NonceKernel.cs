using System.Runtime.CompilerServices;

namespace Chain.Core.Mining;

/// <summary>
/// The second-block SHA-256 compression for as many nonces at once as <typeparamref name="TOps"/> has lanes.
/// Rounds 0..4 and every nonce-invariant schedule term come from <see cref="NonceBlockTemplate"/>; rounds
/// 5..63 are unrolled with the names rotated (instead of the words moved) so the JIT keeps the working
/// variables and the live schedule words in registers. The body is straight-line and regular on purpose:
/// round t reads <c>W[t]</c>, and <c>W[t]</c> (t ≥ 20) adds only its nonce-dependent terms to its invariant sum.
/// </summary>
internal static class NonceKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ILaneOps<TVec>
{
    /// <summary>
    /// Writes the eight digest words of each lane to <paramref name="digest"/>, for the nonces whose
    /// low and high four bytes, read big-endian, are <paramref name="w5"/> and <paramref name="w6"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hash(NonceBlockTemplate template, TVec w5, TVec w6, Span<TVec> digest)
    {
        var state = template.StateAfterFixedRounds;
        var kw = template.RoundInputs;
        var invariant = template.InvariantTerms;
        var midstate = template.Midstate;
        _ = digest[Sha256Compression.StateWords - 1];

        var d = TOps.Broadcast(state[0]);
        var e = TOps.Broadcast(state[1]);
        var f = TOps.Broadcast(state[2]);
        var g = TOps.Broadcast(state[3]);
        var h = TOps.Broadcast(state[4]);
        var a = TOps.Broadcast(state[5]);
        var b = TOps.Broadcast(state[6]);
        var c = TOps.Broadcast(state[7]);

        Round(d, e, f, ref g, h, a, b, ref c, TOps.Add(w5, TOps.Broadcast(kw[5])));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Add(w6, TOps.Broadcast(kw[6])));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Broadcast(kw[7]));
        Round(a, b, c, ref d, e, f, g, ref h, TOps.Broadcast(kw[8]));
        Round(h, a, b, ref c, d, e, f, ref g, TOps.Broadcast(kw[9]));
        Round(g, h, a, ref b, c, d, e, ref f, TOps.Broadcast(kw[10]));
        Round(f, g, h, ref a, b, c, d, ref e, TOps.Broadcast(kw[11]));
        Round(e, f, g, ref h, a, b, c, ref d, TOps.Broadcast(kw[12]));
        Round(d, e, f, ref g, h, a, b, ref c, TOps.Broadcast(kw[13]));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Broadcast(kw[14]));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Broadcast(kw[15]));
        Round(a, b, c, ref d, e, f, g, ref h, TOps.Broadcast(kw[16]));
        Round(h, a, b, ref c, d, e, f, ref g, TOps.Broadcast(kw[17]));
        Round(g, h, a, ref b, c, d, e, ref f, TOps.Broadcast(kw[18]));
        Round(f, g, h, ref a, b, c, d, ref e, TOps.Broadcast(kw[19]));
        var w20 = TOps.Add(TOps.SmallSigma0(w5), TOps.Broadcast(invariant[20]));
        Round(e, f, g, ref h, a, b, c, ref d, TOps.Add(w20, TOps.Broadcast(kw[20])));
        var w21 = TOps.Add(TOps.Add(TOps.SmallSigma0(w6), w5), TOps.Broadcast(invariant[21]));
        Round(d, e, f, ref g, h, a, b, ref c, TOps.Add(w21, TOps.Broadcast(kw[21])));
        var w22 = TOps.Add(TOps.Add(TOps.SmallSigma1(w20), w6), TOps.Broadcast(invariant[22]));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Add(w22, TOps.Broadcast(kw[22])));
        var w23 = TOps.Add(TOps.SmallSigma1(w21), TOps.Broadcast(invariant[23]));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Add(w23, TOps.Broadcast(kw[23])));
        var w24 = TOps.Add(TOps.SmallSigma1(w22), TOps.Broadcast(invariant[24]));
        Round(a, b, c, ref d, e, f, g, ref h, TOps.Add(w24, TOps.Broadcast(kw[24])));
        var w25 = TOps.Add(TOps.SmallSigma1(w23), TOps.Broadcast(invariant[25]));
        Round(h, a, b, ref c, d, e, f, ref g, TOps.Add(w25, TOps.Broadcast(kw[25])));
        var w26 = TOps.Add(TOps.SmallSigma1(w24), TOps.Broadcast(invariant[26]));
        Round(g, h, a, ref b, c, d, e, ref f, TOps.Add(w26, TOps.Broadcast(kw[26])));
        var w27 = TOps.Add(TOps.Add(TOps.SmallSigma1(w25), w20), TOps.Broadcast(invariant[27]));
        Round(f, g, h, ref a, b, c, d, ref e, TOps.Add(w27, TOps.Broadcast(kw[27])));
        var w28 = TOps.Add(TOps.Add(TOps.SmallSigma1(w26), w21), TOps.Broadcast(invariant[28]));
        Round(e, f, g, ref h, a, b, c, ref d, TOps.Add(w28, TOps.Broadcast(kw[28])));
        var w29 = TOps.Add(TOps.Add(TOps.SmallSigma1(w27), w22), TOps.Broadcast(invariant[29]));
        Round(d, e, f, ref g, h, a, b, ref c, TOps.Add(w29, TOps.Broadcast(kw[29])));
        var w30 = TOps.Add(TOps.Add(TOps.SmallSigma1(w28), w23), TOps.Broadcast(invariant[30]));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Add(w30, TOps.Broadcast(kw[30])));
        var w31 = TOps.Add(TOps.Add(TOps.SmallSigma1(w29), w24), TOps.Broadcast(invariant[31]));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Add(w31, TOps.Broadcast(kw[31])));
        var w32 = TOps.Add(TOps.Add(TOps.SmallSigma1(w30), w25), TOps.Broadcast(invariant[32]));
        Round(a, b, c, ref d, e, f, g, ref h, TOps.Add(w32, TOps.Broadcast(kw[32])));
        var w33 = TOps.Add(TOps.Add(TOps.SmallSigma1(w31), w26), TOps.Broadcast(invariant[33]));
        Round(h, a, b, ref c, d, e, f, ref g, TOps.Add(w33, TOps.Broadcast(kw[33])));
        var w34 = TOps.Add(TOps.Add(TOps.SmallSigma1(w32), w27), TOps.Broadcast(invariant[34]));
        Round(g, h, a, ref b, c, d, e, ref f, TOps.Add(w34, TOps.Broadcast(kw[34])));
        var w35 = TOps.Add(TOps.Add(TOps.SmallSigma1(w33), w28), TOps.Add(TOps.SmallSigma0(w20), TOps.Broadcast(invariant[35])));
        Round(f, g, h, ref a, b, c, d, ref e, TOps.Add(w35, TOps.Broadcast(kw[35])));
        var w36 = TOps.Add(TOps.Add(TOps.SmallSigma1(w34), w29), TOps.Add(TOps.SmallSigma0(w21), w20));
        Round(e, f, g, ref h, a, b, c, ref d, TOps.Add(w36, TOps.Broadcast(kw[36])));
        var w37 = TOps.Add(TOps.Add(TOps.SmallSigma1(w35), w30), TOps.Add(TOps.SmallSigma0(w22), w21));
        Round(d, e, f, ref g, h, a, b, ref c, TOps.Add(w37, TOps.Broadcast(kw[37])));
        var w38 = TOps.Add(TOps.Add(TOps.SmallSigma1(w36), w31), TOps.Add(TOps.SmallSigma0(w23), w22));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Add(w38, TOps.Broadcast(kw[38])));
        var w39 = TOps.Add(TOps.Add(TOps.SmallSigma1(w37), w32), TOps.Add(TOps.SmallSigma0(w24), w23));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Add(w39, TOps.Broadcast(kw[39])));
        var w40 = TOps.Add(TOps.Add(TOps.SmallSigma1(w38), w33), TOps.Add(TOps.SmallSigma0(w25), w24));
        Round(a, b, c, ref d, e, f, g, ref h, TOps.Add(w40, TOps.Broadcast(kw[40])));
        var w41 = TOps.Add(TOps.Add(TOps.SmallSigma1(w39), w34), TOps.Add(TOps.SmallSigma0(w26), w25));
        Round(h, a, b, ref c, d, e, f, ref g, TOps.Add(w41, TOps.Broadcast(kw[41])));
        var w42 = TOps.Add(TOps.Add(TOps.SmallSigma1(w40), w35), TOps.Add(TOps.SmallSigma0(w27), w26));
        Round(g, h, a, ref b, c, d, e, ref f, TOps.Add(w42, TOps.Broadcast(kw[42])));
        var w43 = TOps.Add(TOps.Add(TOps.SmallSigma1(w41), w36), TOps.Add(TOps.SmallSigma0(w28), w27));
        Round(f, g, h, ref a, b, c, d, ref e, TOps.Add(w43, TOps.Broadcast(kw[43])));
        var w44 = TOps.Add(TOps.Add(TOps.SmallSigma1(w42), w37), TOps.Add(TOps.SmallSigma0(w29), w28));
        Round(e, f, g, ref h, a, b, c, ref d, TOps.Add(w44, TOps.Broadcast(kw[44])));
        var w45 = TOps.Add(TOps.Add(TOps.SmallSigma1(w43), w38), TOps.Add(TOps.SmallSigma0(w30), w29));
        Round(d, e, f, ref g, h, a, b, ref c, TOps.Add(w45, TOps.Broadcast(kw[45])));
        var w46 = TOps.Add(TOps.Add(TOps.SmallSigma1(w44), w39), TOps.Add(TOps.SmallSigma0(w31), w30));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Add(w46, TOps.Broadcast(kw[46])));
        var w47 = TOps.Add(TOps.Add(TOps.SmallSigma1(w45), w40), TOps.Add(TOps.SmallSigma0(w32), w31));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Add(w47, TOps.Broadcast(kw[47])));
        var w48 = TOps.Add(TOps.Add(TOps.SmallSigma1(w46), w41), TOps.Add(TOps.SmallSigma0(w33), w32));
        Round(a, b, c, ref d, e, f, g, ref h, TOps.Add(w48, TOps.Broadcast(kw[48])));
        var w49 = TOps.Add(TOps.Add(TOps.SmallSigma1(w47), w42), TOps.Add(TOps.SmallSigma0(w34), w33));
        Round(h, a, b, ref c, d, e, f, ref g, TOps.Add(w49, TOps.Broadcast(kw[49])));
        var w50 = TOps.Add(TOps.Add(TOps.SmallSigma1(w48), w43), TOps.Add(TOps.SmallSigma0(w35), w34));
        Round(g, h, a, ref b, c, d, e, ref f, TOps.Add(w50, TOps.Broadcast(kw[50])));
        var w51 = TOps.Add(TOps.Add(TOps.SmallSigma1(w49), w44), TOps.Add(TOps.SmallSigma0(w36), w35));
        Round(f, g, h, ref a, b, c, d, ref e, TOps.Add(w51, TOps.Broadcast(kw[51])));
        var w52 = TOps.Add(TOps.Add(TOps.SmallSigma1(w50), w45), TOps.Add(TOps.SmallSigma0(w37), w36));
        Round(e, f, g, ref h, a, b, c, ref d, TOps.Add(w52, TOps.Broadcast(kw[52])));
        var w53 = TOps.Add(TOps.Add(TOps.SmallSigma1(w51), w46), TOps.Add(TOps.SmallSigma0(w38), w37));
        Round(d, e, f, ref g, h, a, b, ref c, TOps.Add(w53, TOps.Broadcast(kw[53])));
        var w54 = TOps.Add(TOps.Add(TOps.SmallSigma1(w52), w47), TOps.Add(TOps.SmallSigma0(w39), w38));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Add(w54, TOps.Broadcast(kw[54])));
        var w55 = TOps.Add(TOps.Add(TOps.SmallSigma1(w53), w48), TOps.Add(TOps.SmallSigma0(w40), w39));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Add(w55, TOps.Broadcast(kw[55])));
        var w56 = TOps.Add(TOps.Add(TOps.SmallSigma1(w54), w49), TOps.Add(TOps.SmallSigma0(w41), w40));
        Round(a, b, c, ref d, e, f, g, ref h, TOps.Add(w56, TOps.Broadcast(kw[56])));
        var w57 = TOps.Add(TOps.Add(TOps.SmallSigma1(w55), w50), TOps.Add(TOps.SmallSigma0(w42), w41));
        Round(h, a, b, ref c, d, e, f, ref g, TOps.Add(w57, TOps.Broadcast(kw[57])));
        var w58 = TOps.Add(TOps.Add(TOps.SmallSigma1(w56), w51), TOps.Add(TOps.SmallSigma0(w43), w42));
        Round(g, h, a, ref b, c, d, e, ref f, TOps.Add(w58, TOps.Broadcast(kw[58])));
        var w59 = TOps.Add(TOps.Add(TOps.SmallSigma1(w57), w52), TOps.Add(TOps.SmallSigma0(w44), w43));
        Round(f, g, h, ref a, b, c, d, ref e, TOps.Add(w59, TOps.Broadcast(kw[59])));
        var w60 = TOps.Add(TOps.Add(TOps.SmallSigma1(w58), w53), TOps.Add(TOps.SmallSigma0(w45), w44));
        Round(e, f, g, ref h, a, b, c, ref d, TOps.Add(w60, TOps.Broadcast(kw[60])));
        var w61 = TOps.Add(TOps.Add(TOps.SmallSigma1(w59), w54), TOps.Add(TOps.SmallSigma0(w46), w45));
        Round(d, e, f, ref g, h, a, b, ref c, TOps.Add(w61, TOps.Broadcast(kw[61])));
        var w62 = TOps.Add(TOps.Add(TOps.SmallSigma1(w60), w55), TOps.Add(TOps.SmallSigma0(w47), w46));
        Round(c, d, e, ref f, g, h, a, ref b, TOps.Add(w62, TOps.Broadcast(kw[62])));
        var w63 = TOps.Add(TOps.Add(TOps.SmallSigma1(w61), w56), TOps.Add(TOps.SmallSigma0(w48), w47));
        Round(b, c, d, ref e, f, g, h, ref a, TOps.Add(w63, TOps.Broadcast(kw[63])));

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
