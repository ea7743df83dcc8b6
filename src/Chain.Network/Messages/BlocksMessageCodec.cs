using System.Buffers;
using System.Text;
using Chain.Core.Ledger;

namespace Chain.Network.Messages;

/// <summary>
/// A fast path of <see cref="MessageCodec"/> for <see cref="BlocksMessage"/>, the sync batch (up to 2 MiB of blocks):
/// writes the same bytes as the JSON serializer (<c>{"type":"blocks","blocks":["&lt;base64&gt;",...],"more":true}</c>)
/// straight from the blocks' encodings (as stored, or written into pooled arrays) into one pooled array, and reads exactly that form into blocks through pooled scratch,
/// so a batch costs no fresh multi-megabyte arrays (each one is pages the kernel must zero, and large-object-heap
/// growth that brings on full collections). Anything else (other spacing, field order, escapes, non-canonical base64,
/// a block that does not decode) is left to the serializer and the generic path, so what is accepted, and as what,
/// does not change.
/// </summary>
internal static class BlocksMessageCodec
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("{\"type\":\"blocks\",\"blocks\":[");
    private static readonly byte[] MoreTrue = Encoding.UTF8.GetBytes("],\"more\":true}");
    private static readonly byte[] MoreFalse = Encoding.UTF8.GetBytes("],\"more\":false}");

    /// <summary>
    /// The UTF-8 JSON of a <c>blocks</c> message carrying the encodings of <paramref name="blocks"/>, in
    /// <c>rented[..length]</c>, an array from <see cref="ArrayPool{T}.Shared"/> that the caller returns (or hands to
    /// <see cref="Peers.PeerConnection.TrySendPooled"/>).
    /// </summary>
    public static (byte[] Rented, int Length) EncodeRented(IReadOnlyList<Block> blocks, bool more)
    {
        var scratch = new byte[blocks.Count][];
        try
        {
            var encodings = new ReadOnlyMemory<byte>[blocks.Count];
            for (var i = 0; i < blocks.Count; i++)
            {
                scratch[i] = ArrayPool<byte>.Shared.Rent(Math.Max(blocks[i].EncodedSize, 1));
                encodings[i] = scratch[i].AsMemory(0, blocks[i].Encode(scratch[i]));
            }

            return EncodeRented(encodings, more);
        }
        finally
        {
            foreach (var array in scratch.Where(a => a is not null))
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    /// <summary>
    /// The UTF-8 JSON of a <c>blocks</c> message carrying <paramref name="encodings"/> (each a block's encoding, as
    /// stored or as <see cref="Block.Encode(Span{byte})"/> writes it), in <c>rented[..length]</c> as above.
    /// </summary>
    public static (byte[] Rented, int Length) EncodeRented(IReadOnlyList<ReadOnlyMemory<byte>> encodings, bool more)
    {
        var suffix = more ? MoreTrue : MoreFalse;
        long length = Prefix.Length + suffix.Length + Math.Max(0, encodings.Count - 1);
        foreach (var encoding in encodings)
        {
            length += Base64Utf8.QuotedLength(encoding.Length);
        }

        var payload = ArrayPool<byte>.Shared.Rent(checked((int)length));
        try
        {
            var output = payload.AsSpan();
            Prefix.CopyTo(output);
            var o = Prefix.Length;
            for (var i = 0; i < encodings.Count; i++)
            {
                if (i > 0)
                {
                    output[o++] = (byte)',';
                }

                o += Base64Utf8.WriteQuoted(encodings[i].Span, output[o..]);
            }

            suffix.CopyTo(output[o..]);
            return (payload, o + suffix.Length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(payload);
            throw;
        }
    }

    /// <summary>
    /// The blocks and <c>more</c> flag of a payload in exactly the form <c>EncodeRented</c> writes, with at most
    /// <see cref="BlocksMessage.MaxBlocks"/> blocks, each of which decodes (<see cref="Block.DecodeParallel"/>); false for
    /// any other payload, which the generic path then reads and judges.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out List<Block> blocks, out bool more)
    {
        blocks = [];
        more = payload.EndsWith(MoreTrue);
        var suffix = more ? MoreTrue : MoreFalse;
        if (payload.Length < Prefix.Length + suffix.Length || !payload.StartsWith(Prefix) || !payload.EndsWith(suffix))
        {
            return false;
        }

        var list = payload[Prefix.Length..^suffix.Length];
        while (!list.IsEmpty)
        {
            // Each item is "<base64>" followed by a comma unless it is the last; base64 holds no quote.
            if (blocks.Count == BlocksMessage.MaxBlocks || list.Length < 2 || list[0] != (byte)'"')
            {
                return false;
            }

            var close = list[1..].IndexOf((byte)'"');
            if (close < 0)
            {
                return false;
            }

            var block = TryDecodeBlock(list.Slice(1, close));
            if (block is null)
            {
                return false;
            }

            blocks.Add(block);
            list = list[(close + 2)..];
            if (!list.IsEmpty)
            {
                if (list[0] != (byte)',' || list.Length == 1)
                {
                    return false;
                }

                list = list[1..];
            }
        }

        return true;
    }

    // One block from its canonical base64, decoded through a pooled buffer (the block copies what it keeps).
    private static Block? TryDecodeBlock(ReadOnlySpan<byte> text)
    {
        var length = Base64Utf8.DecodedLength(text);
        if (length < 0 || length > Block.MaxEncodedSize)
        {
            return null;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            if (!Base64Utf8.TryDecodeCanonical(text, rented.AsSpan(0, length)))
            {
                return null;
            }

            return Block.DecodeParallel(rented.AsMemory(0, length));
        }
        catch (FormatException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
