using System.Runtime.CompilerServices;
using Chain.Core.Crypto;

namespace Chain.Core.Mining;

/// <summary>
/// SHA-256 of the 64-byte concatenation of two hashes (a Merkle tree node), for as many pairs at once as
/// <typeparamref name="TOps"/> has lanes: the same lane operations as the nonce search. A 64-byte message is one
/// block of data and one padding block; the padding block's schedule is the same for every message, so its round
/// inputs are made once per call and only its rounds are run per batch.
/// </summary>
internal static class PairHashKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ILaneOps<TVec>
{
    /// <summary>Pairs hashed per batch.</summary>
    public static int Lanes => TOps.Count;

    /// <summary>
    /// Writes SHA-256(<paramref name="input"/>[2p] || <paramref name="input"/>[2p + 1]) to <paramref name="output"/>[p]
    /// for every p below <paramref name="output"/>'s length; <paramref name="input"/> holds at least twice as many hashes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashPairs(ReadOnlySpan<Hash256> input, Span<Hash256> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(input.Length, 2 * output.Length, nameof(input));
        var lanes = TOps.Count;
        RoundVectors<TVec> padding = default;
        PreparePadding(ref padding);
        RoundVectors<TVec> inputs = default;
        Span<TVec> state = stackalloc TVec[Sha256Compression.StateWords];
        Span<uint> words = stackalloc uint[Sha256Compression.BlockWords * lanes];
        Span<uint> digest = stackalloc uint[Sha256Compression.StateWords * lanes];
        for (var first = 0; first < output.Length; first += lanes)
        {
            // A short last batch repeats its last pair in the spare lanes and keeps only the real ones.
            var count = Math.Min(lanes, output.Length - first);
            for (var lane = 0; lane < lanes; lane++)
            {
                var pair = first + Math.Min(lane, count - 1);
                input[2 * pair].WriteWords(words[lane..], lanes);
                input[(2 * pair) + 1].WriteWords(words[((Sha256Compression.StateWords * lanes) + lane)..], lanes);
            }

            for (var t = 0; t < Sha256Compression.BlockWords; t++)
            {
                inputs[t] = TOps.Load(words.Slice(t * lanes, lanes));
            }

            Schedule(ref inputs);
            var initial = Sha256Compression.InitialState;
            for (var i = 0; i < Sha256Compression.StateWords; i++)
            {
                state[i] = TOps.Broadcast(initial[i]);
            }

            Compress(ref inputs, state);
            Compress(ref padding, state);
            StoreDigests(state, digest, output.Slice(first, count));
        }
    }

    /// <summary>
    /// Writes the digests of the first <paramref name="output"/>.Length lanes of <paramref name="state"/> (one vector
    /// a state word) to <paramref name="output"/>, through <paramref name="digest"/> (8 x lanes words) as scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreDigests(ReadOnlySpan<TVec> state, Span<uint> digest, Span<Hash256> output)
    {
        var lanes = TOps.Count;
        for (var i = 0; i < Sha256Compression.StateWords; i++)
        {
            TOps.Store(state[i], digest.Slice(i * lanes, lanes));
        }

        for (var lane = 0; lane < output.Length; lane++)
        {
            output[lane] = Hash256.FromWords(
                digest[lane], digest[lanes + lane], digest[(2 * lanes) + lane], digest[(3 * lanes) + lane],
                digest[(4 * lanes) + lane], digest[(5 * lanes) + lane], digest[(6 * lanes) + lane], digest[(7 * lanes) + lane]);
        }
    }

    // K[t] + W[t] of the block that pads a 64-byte message: 0x80 then zeros, and the length 512 in the last word.
    private static void PreparePadding(ref RoundVectors<TVec> inputs)
    {
        Span<uint> w = stackalloc uint[Sha256Compression.Rounds];
        w[0] = 0x8000_0000;
        w[Sha256Compression.BlockWords - 1] = 8 * Sha256Compression.BlockSize;
        for (var t = Sha256Compression.BlockWords; t < Sha256Compression.Rounds; t++)
        {
            w[t] = Sha256Compression.SmallSigma1(w[t - 2]) + w[t - 7] + Sha256Compression.SmallSigma0(w[t - 15]) + w[t - 16];
        }

        var k = Sha256Compression.RoundConstants;
        for (var t = 0; t < Sha256Compression.Rounds; t++)
        {
            inputs[t] = TOps.Broadcast(w[t] + k[t]);
        }
    }

    // Words 0..15 in, round inputs K[t] + W[t] for all 64 rounds out (MessageHashKernel's too).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Schedule(ref RoundVectors<TVec> w)
    {
        for (var t = Sha256Compression.BlockWords; t < Sha256Compression.Rounds; t++)
        {
            w[t] = TOps.Add(TOps.Add(TOps.SmallSigma1(w[t - 2]), w[t - 7]), TOps.Add(TOps.SmallSigma0(w[t - 15]), w[t - 16]));
        }

        var k = Sha256Compression.RoundConstants;
        for (var t = 0; t < Sha256Compression.Rounds; t++)
        {
            w[t] = TOps.Add(w[t], TOps.Broadcast(k[t]));
        }
    }

    // One compression: 64 rounds on the state, then the state added back (Davies-Meyer).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Compress(ref RoundVectors<TVec> inputs, Span<TVec> state)
    {
        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        for (var t = 0; t < Sha256Compression.Rounds; t += 8)
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

        state[0] = TOps.Add(state[0], a);
        state[1] = TOps.Add(state[1], b);
        state[2] = TOps.Add(state[2], c);
        state[3] = TOps.Add(state[3], d);
        state[4] = TOps.Add(state[4], e);
        state[5] = TOps.Add(state[5], f);
        state[6] = TOps.Add(state[6], g);
        state[7] = TOps.Add(state[7], h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(TVec a, TVec b, TVec c, ref TVec d, TVec e, TVec f, TVec g, ref TVec h, TVec kw)
    {
        var t1 = TOps.Add(TOps.Add(h, TOps.BigSigma1(e)), TOps.Add(TOps.Choose(e, f, g), kw));
        d = TOps.Add(d, t1);
        h = TOps.Add(t1, TOps.Add(TOps.BigSigma0(a), TOps.Majority(a, b, c)));
    }
}
