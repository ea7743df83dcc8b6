using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Mining;

/// <summary>
/// Proof-of-work hashing of one header template over many nonces: the first 64 header bytes are compressed
/// once, then each nonce costs one SHA-256 compression, run on as many nonces at once as the CPU's widest
/// vectors hold. Immutable after construction, so one instance may serve several threads.
/// </summary>
public sealed class HeaderHasher
{
    private readonly NonceBlockTemplate _template;

    /// <summary>Prepares to hash <paramref name="header"/> (92 bytes; its nonce bytes are ignored) on the fastest path.</summary>
    public HeaderHasher(ReadOnlySpan<byte> header)
        : this(header, BestPath)
    {
    }

    /// <summary>Prepares to hash on a chosen path; a vector path without hardware support still works, slowly, in software.</summary>
    internal HeaderHasher(ReadOnlySpan<byte> header, HeaderHashPath path)
    {
        if (header.Length != BlockHeader.Size)
        {
            throw new ArgumentException($"A block header is {BlockHeader.Size} bytes, not {header.Length}.", nameof(header));
        }

        if (!Enum.IsDefined(path))
        {
            throw new ArgumentOutOfRangeException(nameof(path));
        }

        _template = new NonceBlockTemplate(header);
        Path = path;
    }

    /// <summary>The widest path this CPU accelerates.</summary>
    public static HeaderHashPath BestPath =>
        Vector512.IsHardwareAccelerated ? HeaderHashPath.Vector512
        : Vector256.IsHardwareAccelerated ? HeaderHashPath.Vector256
        : HeaderHashPath.Scalar;

    /// <summary>The path <see cref="TrySearch"/> uses.</summary>
    public HeaderHashPath Path { get; }

    /// <summary>Nonces hashed per step of <see cref="TrySearch"/>.</summary>
    public int LaneCount => Path switch
    {
        HeaderHashPath.Vector512 => Vector512LaneOps.Count,
        HeaderHashPath.Vector256 => Vector256LaneOps.Count,
        _ => ScalarLaneOps.Count,
    };

    /// <summary>The header's hash with <paramref name="nonce"/> written in, by the plain scalar compression.</summary>
    public Hash256 ComputeHash(ulong nonce)
    {
        Span<uint> state = stackalloc uint[Sha256Compression.StateWords];
        Span<uint> block = stackalloc uint[Sha256Compression.BlockWords];
        _template.Midstate.CopyTo(state);
        _template.Block.CopyTo(block);
        block[5] = BinaryPrimitives.ReverseEndianness((uint)nonce);
        block[6] = BinaryPrimitives.ReverseEndianness((uint)(nonce >> 32));
        Sha256Compression.Compress(state, block);
        return ToHash(state);
    }

    /// <summary>
    /// Tries the nonces <paramref name="startNonce"/> .. <paramref name="startNonce"/> + <paramref name="count"/> - 1
    /// in order and returns the first whose hash is at most <paramref name="target"/>. The range may end at
    /// <see cref="ulong.MaxValue"/> but not wrap past it (<see cref="ArgumentOutOfRangeException"/>).
    /// </summary>
    public bool TrySearch(ulong startNonce, ulong count, Hash256 target, out ulong nonce)
    {
        nonce = 0;
        if (count == 0)
        {
            return false;
        }

        if (count - 1 > ulong.MaxValue - startNonce)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "The nonce range would wrap past ulong.MaxValue.");
        }

        return Path switch
        {
            HeaderHashPath.Vector512 => Search<Vector512<uint>, Vector512LaneOps>(startNonce, count, target, out nonce),
            HeaderHashPath.Vector256 => Search<Vector256<uint>, Vector256LaneOps>(startNonce, count, target, out nonce),
            _ => Search<uint, ScalarLaneOps>(startNonce, count, target, out nonce),
        };
    }

    /// <summary>Hashes arbitrary nonces through this hasher's path, a lane each (for tests).</summary>
    internal void HashLanes(ReadOnlySpan<ulong> nonces, Span<Hash256> hashes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(hashes.Length, nonces.Length, nameof(hashes));
        switch (Path)
        {
            case HeaderHashPath.Vector512:
                HashLanes<Vector512<uint>, Vector512LaneOps>(nonces, hashes);
                break;
            case HeaderHashPath.Vector256:
                HashLanes<Vector256<uint>, Vector256LaneOps>(nonces, hashes);
                break;
            default:
                HashLanes<uint, ScalarLaneOps>(nonces, hashes);
                break;
        }
    }

    private bool Search<TVec, TOps>(ulong first, ulong remaining, Hash256 target, out ulong nonce)
        where TVec : unmanaged
        where TOps : ILaneOps<TVec>
    {
        var lanes = TOps.Count;
        Span<uint> low = stackalloc uint[lanes];
        Span<uint> high = stackalloc uint[lanes];
        Span<TVec> digest = stackalloc TVec[Sha256Compression.StateWords];
        Span<uint> words = stackalloc uint[Sha256Compression.StateWords * lanes];
        var inputs = default(RoundVectors<TVec>);
        var schedule = default(RoundVectors<TVec>);
        NonceKernel<TVec, TOps>.Prepare(_template, ref inputs);
        Span<byte> targetBytes = stackalloc byte[Hash256.Size];
        target.WriteTo(targetBytes);
        var targetTop = BinaryPrimitives.ReadUInt32BigEndian(targetBytes);

        while (true)
        {
            for (var i = 0; i < lanes; i++)
            {
                // Lanes past the range's end may wrap; they are masked out below.
                var n = unchecked(first + (ulong)i);
                low[i] = BinaryPrimitives.ReverseEndianness((uint)n);
                high[i] = BinaryPrimitives.ReverseEndianness((uint)(n >> 32));
            }

            NonceKernel<TVec, TOps>.Hash(_template, TOps.Load(low), TOps.Load(high), ref inputs, ref schedule, digest);

            // Most lanes fail on the top word; only the few that pass get a full 256-bit compare.
            var candidates = TOps.LessThanOrEqualMask(digest[0], targetTop);
            if (remaining < (ulong)lanes)
            {
                candidates &= (1u << (int)remaining) - 1;
            }

            if (candidates != 0)
            {
                StoreWords<TVec, TOps>(digest, words);
                do
                {
                    var lane = BitOperations.TrailingZeroCount(candidates);
                    if (LaneHash(words, lane, lanes) <= target)
                    {
                        nonce = first + (ulong)lane;
                        return true;
                    }

                    candidates &= candidates - 1;
                }
                while (candidates != 0);
            }

            if (remaining <= (ulong)lanes)
            {
                nonce = 0;
                return false;
            }

            remaining -= (ulong)lanes;
            first += (ulong)lanes;
        }
    }

    private void HashLanes<TVec, TOps>(ReadOnlySpan<ulong> nonces, Span<Hash256> hashes)
        where TVec : unmanaged
        where TOps : ILaneOps<TVec>
    {
        var lanes = TOps.Count;
        Span<uint> low = stackalloc uint[lanes];
        Span<uint> high = stackalloc uint[lanes];
        Span<TVec> digest = stackalloc TVec[Sha256Compression.StateWords];
        Span<uint> words = stackalloc uint[Sha256Compression.StateWords * lanes];
        var inputs = default(RoundVectors<TVec>);
        var schedule = default(RoundVectors<TVec>);
        NonceKernel<TVec, TOps>.Prepare(_template, ref inputs);
        for (var start = 0; start < nonces.Length; start += lanes)
        {
            low.Clear();
            high.Clear();
            var used = Math.Min(lanes, nonces.Length - start);
            for (var i = 0; i < used; i++)
            {
                low[i] = BinaryPrimitives.ReverseEndianness((uint)nonces[start + i]);
                high[i] = BinaryPrimitives.ReverseEndianness((uint)(nonces[start + i] >> 32));
            }

            NonceKernel<TVec, TOps>.Hash(_template, TOps.Load(low), TOps.Load(high), ref inputs, ref schedule, digest);
            StoreWords<TVec, TOps>(digest, words);
            for (var i = 0; i < used; i++)
            {
                hashes[start + i] = LaneHash(words, i, lanes);
            }
        }
    }

    private static void StoreWords<TVec, TOps>(ReadOnlySpan<TVec> digest, Span<uint> words)
        where TVec : unmanaged
        where TOps : ILaneOps<TVec>
    {
        for (var w = 0; w < Sha256Compression.StateWords; w++)
        {
            TOps.Store(digest[w], words[(w * TOps.Count)..]);
        }
    }

    private static Hash256 LaneHash(ReadOnlySpan<uint> words, int lane, int lanes)
    {
        Span<uint> state = stackalloc uint[Sha256Compression.StateWords];
        for (var w = 0; w < state.Length; w++)
        {
            state[w] = words[(w * lanes) + lane];
        }

        return ToHash(state);
    }

    private static Hash256 ToHash(ReadOnlySpan<uint> state)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Size];
        for (var w = 0; w < state.Length; w++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes[(4 * w)..], state[w]);
        }

        return new Hash256(bytes);
    }
}
