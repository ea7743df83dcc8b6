using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Mining;

/// <summary>Searches nonces of a header template for one whose hash meets the target (plain SHA-256 reference path).</summary>
internal static class ProofOfWork
{
    /// <summary>Tries nonces [start, start + count); true with the first winner.</summary>
    public static bool TrySearch(ReadOnlySpan<byte> template, ulong start, ulong count, Hash256 target, out ulong nonce)
    {
        Span<byte> header = stackalloc byte[BlockHeader.Size];
        template.CopyTo(header);
        Span<byte> digest = stackalloc byte[Hash256.Size];
        for (ulong i = 0; i < count; i++)
        {
            var candidate = start + i;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(header[BlockHeader.NonceOffset..], candidate);
            SHA256.HashData(header, digest);
            if (new Hash256(digest) <= target)
            {
                nonce = candidate;
                return true;
            }
        }

        nonce = 0;
        return false;
    }
}
