using System.Buffers;
using System.Runtime.Intrinsics;
using Chain.Core.Mining;

namespace Chain.Core.Crypto;

/// <summary>
/// SHA-256 of many messages lying in one buffer (a block's transaction ids, its senders' addresses): messages of equal
/// length are hashed together on the CPU's widest lanes (16 at a time with AVX-512, <see cref="MessageHashKernel{TVec, TOps}"/>),
/// where the platform's one-shot SHA-256 costs about 0.8 us a call for some 0.25 us of hashing.
/// </summary>
internal static class Sha256Batch
{
    // Fewer messages of one length than this are hashed one by one: a batch costs as much as a full one.
    private const int MinRun = 4;

    /// <summary>
    /// Writes SHA-256(<paramref name="data"/>.Slice(<paramref name="starts"/>[i], <paramref name="lengths"/>[i])) to
    /// <paramref name="output"/>[i] for every i below <paramref name="starts"/>' length.
    /// </summary>
    public static void Hash(ReadOnlySpan<byte> data, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, Span<Hash256> output) =>
        Hash(data, starts, lengths, output, HeaderHasher.BestPath);

    /// <summary>As <see cref="Hash(ReadOnlySpan{byte}, ReadOnlySpan{int}, ReadOnlySpan{int}, Span{Hash256})"/> on <paramref name="path"/>'s lanes.</summary>
    internal static void Hash(ReadOnlySpan<byte> data, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, Span<Hash256> output, HeaderHashPath path)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(lengths.Length, starts.Length, nameof(lengths));
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, starts.Length, nameof(output));
        var count = starts.Length;
        if (count < MinRun || path == HeaderHashPath.Scalar)
        {
            for (var i = 0; i < count; i++)
            {
                output[i] = Hash256.Compute(data.Slice(starts[i], lengths[i]));
            }

            return;
        }

        // Messages ordered by length (a block's transfers are mostly of one length), each run of one length hashed
        // together; starts and results gathered and scattered through pooled arrays.
        var order = ArrayPool<int>.Shared.Rent(count);
        var keys = ArrayPool<int>.Shared.Rent(count);
        var runStarts = ArrayPool<int>.Shared.Rent(count);
        var hashes = ArrayPool<Hash256>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
                keys[i] = lengths[i];
            }

            Array.Sort(keys, order, 0, count);
            for (var run = 0; run < count;)
            {
                var length = keys[run];
                var end = run + 1;
                while (end < count && keys[end] == length)
                {
                    end++;
                }

                var size = end - run;
                if (size < MinRun)
                {
                    for (var k = run; k < end; k++)
                    {
                        output[order[k]] = Hash256.Compute(data.Slice(starts[order[k]], length));
                    }
                }
                else
                {
                    for (var k = 0; k < size; k++)
                    {
                        var start = starts[order[run + k]];
                        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, data.Length, nameof(starts));
                        runStarts[k] = start;
                    }

                    HashRun(data, runStarts.AsSpan(0, size), length, hashes.AsSpan(0, size), path);
                    for (var k = 0; k < size; k++)
                    {
                        output[order[run + k]] = hashes[k];
                    }
                }

                run = end;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<int>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(runStarts);
            ArrayPool<Hash256>.Shared.Return(hashes);
        }
    }

    private static void HashRun(ReadOnlySpan<byte> data, ReadOnlySpan<int> starts, int length, Span<Hash256> output, HeaderHashPath path)
    {
        switch (path)
        {
            case HeaderHashPath.Vector512:
                MessageHashKernel<Vector512<uint>, Vector512LaneOps>.Hash(data, starts, length, output);
                break;
            case HeaderHashPath.Vector256:
                MessageHashKernel<Vector256<uint>, Vector256LaneOps>.Hash(data, starts, length, output);
                break;
            default:
                MessageHashKernel<uint, ScalarLaneOps>.Hash(data, starts, length, output);
                break;
        }
    }
}
