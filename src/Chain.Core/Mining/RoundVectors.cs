using System.Runtime.CompilerServices;

namespace Chain.Core.Mining;

/// <summary>One vector per SHA-256 round (schedule words or round inputs), inline so that it lives on the stack.</summary>
[InlineArray(Sha256Compression.Rounds)]
internal struct RoundVectors<TVec>
    where TVec : unmanaged
{
    private TVec _element0;
}
