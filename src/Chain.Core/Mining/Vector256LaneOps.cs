using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Chain.Core.Mining;

/// <summary>Eight lanes in a <see cref="Vector256{T}"/>; with AVX-512VL the rotates are <c>vprord</c> and the three-input logic one <c>vpternlogd</c>.</summary>
internal readonly struct Vector256LaneOps : ILaneOps<Vector256<uint>>
{
    // vpternlogd truth tables, indexed by (x << 2) | (y << 1) | z.
    private const byte Xor3 = 0x96;
    private const byte Select = 0xca;
    private const byte Majority3 = 0xe8;

    /// <inheritdoc />
    public static int Count => 8;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Broadcast(uint value) => Vector256.Create(value);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Load(ReadOnlySpan<uint> values) => Vector256.Create(values);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<uint> value, Span<uint> destination) => value.CopyTo(destination);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Add(Vector256<uint> x, Vector256<uint> y) => x + y;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> BigSigma0(Vector256<uint> x) => Xor(RotateRight(x, 2), RotateRight(x, 13), RotateRight(x, 22));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> BigSigma1(Vector256<uint> x) => Xor(RotateRight(x, 6), RotateRight(x, 11), RotateRight(x, 25));

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> SmallSigma0(Vector256<uint> x) => Xor(RotateRight(x, 7), RotateRight(x, 18), x >>> 3);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> SmallSigma1(Vector256<uint> x) => Xor(RotateRight(x, 17), RotateRight(x, 19), x >>> 10);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Choose(Vector256<uint> e, Vector256<uint> f, Vector256<uint> g) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(e, f, g, Select) : Vector256.ConditionalSelect(e, f, g);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Majority(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(a, b, c, Majority3) : Vector256.ConditionalSelect(a ^ b, c, a);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LessThanOrEqualMask(Vector256<uint> x, uint limit) =>
        Vector256.ExtractMostSignificantBits(Vector256.LessThanOrEqual(x, Vector256.Create(limit)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Xor(Vector256<uint> x, Vector256<uint> y, Vector256<uint> z) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, Xor3) : x ^ y ^ z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateRight(Vector256<uint> x, [ConstantExpected(Min = 1, Max = 31)] byte count) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, count) : (x >>> count) | (x << (32 - count));
}
