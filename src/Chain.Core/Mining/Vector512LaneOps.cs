using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Chain.Core.Mining;

/// <summary>Sixteen lanes in a <see cref="Vector512{T}"/>; on AVX-512 the rotates are <c>vprord</c> and the three-input logic one <c>vpternlogd</c>.</summary>
internal readonly struct Vector512LaneOps : ILaneOps<Vector512<uint>>
{
    // vpternlogd truth tables, indexed by (x << 2) | (y << 1) | z.
    private const byte Xor3 = 0x96;
    private const byte Select = 0xca;
    private const byte Majority3 = 0xe8;

    /// <inheritdoc />
    public static int Count => 16;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Broadcast(uint value) => Vector512.Create(value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Load(ReadOnlySpan<uint> values) => Vector512.Create(values);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<uint> value, Span<uint> destination) => value.CopyTo(destination);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Add(Vector512<uint> x, Vector512<uint> y) => x + y;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> BigSigma0(Vector512<uint> x) => Xor(RotateRight(x, 2), RotateRight(x, 13), RotateRight(x, 22));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> BigSigma1(Vector512<uint> x) => Xor(RotateRight(x, 6), RotateRight(x, 11), RotateRight(x, 25));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SmallSigma0(Vector512<uint> x) => Xor(RotateRight(x, 7), RotateRight(x, 18), x >>> 3);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> SmallSigma1(Vector512<uint> x) => Xor(RotateRight(x, 17), RotateRight(x, 19), x >>> 10);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Choose(Vector512<uint> e, Vector512<uint> f, Vector512<uint> g) =>
        Avx512F.IsSupported ? Avx512F.TernaryLogic(e, f, g, Select) : Vector512.ConditionalSelect(e, f, g);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Majority(Vector512<uint> a, Vector512<uint> b, Vector512<uint> c) =>
        Avx512F.IsSupported ? Avx512F.TernaryLogic(a, b, c, Majority3) : Vector512.ConditionalSelect(a ^ b, c, a);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessThanOrEqualMask(Vector512<uint> x, uint limit) =>
        (uint)Vector512.ExtractMostSignificantBits(Vector512.LessThanOrEqual(x, Vector512.Create(limit)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Xor(Vector512<uint> x, Vector512<uint> y, Vector512<uint> z) =>
        Avx512F.IsSupported ? Avx512F.TernaryLogic(x, y, z, Xor3) : x ^ y ^ z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> RotateRight(Vector512<uint> x, [ConstantExpected(Min = 1, Max = 31)] byte count) =>
        Avx512F.IsSupported ? Avx512F.RotateRight(x, count) : (x >>> count) | (x << (32 - count));
}
