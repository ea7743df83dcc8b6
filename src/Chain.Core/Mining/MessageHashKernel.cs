using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Chain.Core.Crypto;

namespace Chain.Core.Mining;

/// <summary>
/// SHA-256 of many messages of one length, as many at once as <typeparamref name="TOps"/> has lanes (the nonce
/// search's lane operations and <see cref="PairHashKernel{TVec, TOps}"/>'s rounds): a block's transaction ids and
/// sender addresses, where the platform's one-shot SHA-256 spends more on each call than on the hashing.
/// </summary>
internal static class MessageHashKernel<TVec, TOps>
    where TVec : unmanaged
    where TOps : ILaneOps<TVec>
{
    // Bytes after a message's last full block: its rest (under 64), 0x80, zeros and the 8-byte length; two blocks at most.
    private const int MaxTailBytes = 2 * Sha256Compression.BlockSize;

    /// <summary>Messages hashed per batch.</summary>
    public static int Lanes => TOps.Count;

    /// <summary>
    /// Writes SHA-256(<paramref name="data"/>[<paramref name="starts"/>[i] ..][..<paramref name="length"/>]) to
    /// <paramref name="output"/>[i] for every i below <paramref name="starts"/>' length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hash(ReadOnlySpan<byte> data, ReadOnlySpan<int> starts, int length, Span<Hash256> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, starts.Length, nameof(output));
        var lanes = TOps.Count;
        var fullBlocks = length / Sha256Compression.BlockSize;
        var rest = length - (fullBlocks * Sha256Compression.BlockSize);
        var tailBytes = rest + 9 <= Sha256Compression.BlockSize ? Sha256Compression.BlockSize : MaxTailBytes;
        var blocks = fullBlocks + (tailBytes / Sha256Compression.BlockSize);
        Span<byte> tails = stackalloc byte[MaxTailBytes * lanes];
        RoundVectors<TVec> w = default;
        Span<TVec> state = stackalloc TVec[Sha256Compression.StateWords];
        Span<uint> words = stackalloc uint[Sha256Compression.BlockWords * lanes];
        Span<uint> digest = stackalloc uint[Sha256Compression.StateWords * lanes];
        var initial = Sha256Compression.InitialState;
        for (var first = 0; first < starts.Length; first += lanes)
        {
            // A short last batch repeats its last message in the spare lanes and keeps only the real ones.
            var count = Math.Min(lanes, starts.Length - first);
            tails.Clear();
            for (var lane = 0; lane < lanes; lane++)
            {
                var tail = tails.Slice(lane * MaxTailBytes, tailBytes);
                data.Slice(starts[first + Math.Min(lane, count - 1)] + (fullBlocks * Sha256Compression.BlockSize), rest).CopyTo(tail);
                tail[rest] = 0x80;
                BinaryPrimitives.WriteUInt64BigEndian(tail[^8..], (ulong)length * 8);
            }

            for (var i = 0; i < Sha256Compression.StateWords; i++)
            {
                state[i] = TOps.Broadcast(initial[i]);
            }

            for (var b = 0; b < blocks; b++)
            {
                for (var lane = 0; lane < lanes; lane++)
                {
                    var block = b < fullBlocks
                        ? data.Slice(starts[first + Math.Min(lane, count - 1)] + (b * Sha256Compression.BlockSize), Sha256Compression.BlockSize)
                        : tails.Slice((lane * MaxTailBytes) + ((b - fullBlocks) * Sha256Compression.BlockSize), Sha256Compression.BlockSize);
                    for (var t = 0; t < Sha256Compression.BlockWords; t++)
                    {
                        words[(t * lanes) + lane] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
                    }
                }

                for (var t = 0; t < Sha256Compression.BlockWords; t++)
                {
                    w[t] = TOps.Load(words.Slice(t * lanes, lanes));
                }

                PairHashKernel<TVec, TOps>.Schedule(ref w);
                PairHashKernel<TVec, TOps>.Compress(ref w, state);
            }

            PairHashKernel<TVec, TOps>.StoreDigests(state, digest, output.Slice(first, count));
        }
    }
}
