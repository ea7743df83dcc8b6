using System.Buffers;
using System.Text;

namespace Chain.Network.Messages;

/// <summary>
/// A fast path of <see cref="MessageCodec.Encode"/> for <see cref="InvMessage"/> and <see cref="GetDataMessage"/>,
/// which announce and ask for every relayed transaction by id: writes the same bytes as the JSON serializer
/// (<c>{"type":"inv","txs":["&lt;id&gt;",...],"blocks":[...]}</c>) straight into one array when every id is ASCII
/// letters and digits (which the serializer writes unescaped); other messages are left to the serializer.
/// </summary>
internal static class IdListMessageCodec
{
    private static readonly byte[] TxsProperty = Encoding.UTF8.GetBytes("\",\"txs\":[");
    private static readonly byte[] BlocksProperty = Encoding.UTF8.GetBytes("],\"blocks\":[");
    private static readonly byte[] TypeProperty = Encoding.UTF8.GetBytes("{\"type\":\"");
    private static readonly byte[] End = Encoding.UTF8.GetBytes("]}");

    // Characters the serializer writes as they are.
    private static readonly SearchValues<char> Plain = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>The UTF-8 JSON of an <c>inv</c> or <c>getdata</c>; null when an id needs escaping (left to the serializer).</summary>
    public static byte[]? TryEncode(string type, IReadOnlyList<string> txs, IReadOnlyList<string> blocks)
    {
        var length = TypeProperty.Length + type.Length + TxsProperty.Length + BlocksProperty.Length + End.Length;
        if (!TryAddLength(txs, ref length) || !TryAddLength(blocks, ref length))
        {
            return null;
        }

        var payload = new byte[length];
        var position = 0;
        Write(payload, ref position, TypeProperty);
        position += Encoding.ASCII.GetBytes(type, payload.AsSpan(position));
        Write(payload, ref position, TxsProperty);
        WriteList(payload, ref position, txs);
        Write(payload, ref position, BlocksProperty);
        WriteList(payload, ref position, blocks);
        Write(payload, ref position, End);
        return payload;
    }

    private static bool TryAddLength(IReadOnlyList<string> ids, ref int length)
    {
        length += Math.Max(0, ids.Count - 1);
        foreach (var id in ids)
        {
            if (id is null || id.AsSpan().ContainsAnyExcept(Plain))
            {
                return false;
            }

            length += id.Length + 2;
        }

        return true;
    }

    private static void WriteList(byte[] payload, ref int position, IReadOnlyList<string> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0)
            {
                payload[position++] = (byte)',';
            }

            payload[position++] = (byte)'"';
            position += Encoding.ASCII.GetBytes(ids[i], payload.AsSpan(position));
            payload[position++] = (byte)'"';
        }
    }

    private static void Write(byte[] payload, ref int position, byte[] bytes)
    {
        bytes.CopyTo(payload, position);
        position += bytes.Length;
    }
}
