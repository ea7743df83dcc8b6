namespace Chain.Core.Mining;

/// <summary>
/// The SHA-256 word operations on <typeparamref name="TVec"/>, a vector of independent 32-bit lanes (one nonce
/// each). Implemented by structs so that the generic nonce kernel is compiled once per width with every call inlined.
/// </summary>
internal interface ILaneOps<TVec>
    where TVec : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>The same word in every lane.</summary>
    static abstract TVec Broadcast(uint value);

    /// <summary>Lane i from <paramref name="values"/>[i].</summary>
    static abstract TVec Load(ReadOnlySpan<uint> values);

    /// <summary>Writes lane i to <paramref name="destination"/>[i].</summary>
    static abstract void Store(TVec value, Span<uint> destination);

    /// <summary>Lane-wise sum modulo 2^32.</summary>
    static abstract TVec Add(TVec x, TVec y);

    /// <summary>Σ0.</summary>
    static abstract TVec BigSigma0(TVec x);

    /// <summary>Σ1.</summary>
    static abstract TVec BigSigma1(TVec x);

    /// <summary>σ0.</summary>
    static abstract TVec SmallSigma0(TVec x);

    /// <summary>σ1.</summary>
    static abstract TVec SmallSigma1(TVec x);

    /// <summary>Ch.</summary>
    static abstract TVec Choose(TVec e, TVec f, TVec g);

    /// <summary>Maj.</summary>
    static abstract TVec Majority(TVec a, TVec b, TVec c);

    /// <summary>Bit i set when lane i of <paramref name="x"/> is at most <paramref name="limit"/> (unsigned).</summary>
    static abstract uint LessThanOrEqualMask(TVec x, uint limit);
}
