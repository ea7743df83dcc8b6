using System.Text;
using Chain.Core.Ledger;

namespace Chain.Network.Messages;

/// <summary>
/// A fast path of <see cref="MessageCodec"/> for <see cref="TxMessage"/>, the message every relayed transaction
/// travels in: writes the same bytes as the JSON serializer (<c>{"type":"tx","txs":["&lt;base64&gt;",...]}</c>)
/// and reads exactly that form without the JSON reader. Anything else (other spacing, field order, escapes, extra
/// fields, nulls, non-canonical base64, more than <see cref="TxMessage.MaxTransactions"/> items) is left to the
/// serializer, so what is accepted, and as what, does not change.
/// </summary>
internal static class TxMessageCodec
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("{\"type\":\"tx\",\"txs\":[");
    private static readonly byte[] Suffix = Encoding.UTF8.GetBytes("]}");

    /// <summary>The UTF-8 JSON of a <c>tx</c> message carrying <paramref name="txs"/>, none of them null.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> txs)
    {
        var length = Prefix.Length + Suffix.Length + Math.Max(0, txs.Count - 1);
        foreach (var tx in txs)
        {
            length += Base64Utf8.QuotedLength(tx.Length);
        }

        var payload = new byte[length];
        Prefix.CopyTo(payload, 0);
        var position = Prefix.Length;
        for (var i = 0; i < txs.Count; i++)
        {
            if (i > 0)
            {
                payload[position++] = (byte)',';
            }

            position += Base64Utf8.WriteQuoted(txs[i], payload.AsSpan(position));
        }

        Suffix.CopyTo(payload, position);
        return payload;
    }

    /// <summary>
    /// As <see cref="Encode(IReadOnlyList{byte[]})"/> for the encodings of <paramref name="txs"/>, written straight from
    /// the transactions: no array per transaction.
    /// </summary>
    public static byte[] Encode(IReadOnlyList<Transaction> txs)
    {
        var length = Prefix.Length + Suffix.Length + Math.Max(0, txs.Count - 1);
        var largest = 0;
        foreach (var tx in txs)
        {
            var size = tx.EncodedSize;
            largest = Math.Max(largest, size);
            length += Base64Utf8.QuotedLength(size);
        }

        var payload = new byte[length];
        Span<byte> scratch = largest <= Transaction.MaxEncodedSize ? stackalloc byte[Transaction.MaxEncodedSize] : new byte[largest];
        Prefix.CopyTo(payload, 0);
        var position = Prefix.Length;
        for (var i = 0; i < txs.Count; i++)
        {
            if (i > 0)
            {
                payload[position++] = (byte)',';
            }

            var size = txs[i].Encode(scratch);
            position += Base64Utf8.WriteQuoted(scratch[..size], payload.AsSpan(position));
        }

        Suffix.CopyTo(payload, position);
        return payload;
    }

    /// <summary>The transactions of a payload in exactly the form <see cref="Encode(IReadOnlyList{byte[]})"/> writes; null for any other payload.</summary>
    public static List<byte[]>? TryDecode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Prefix.Length + Suffix.Length || !payload.StartsWith(Prefix) || !payload.EndsWith(Suffix))
        {
            return null;
        }

        var items = payload[Prefix.Length..^Suffix.Length];
        var txs = new List<byte[]>();
        while (!items.IsEmpty)
        {
            if (txs.Count > 0)
            {
                if (items[0] != (byte)',')
                {
                    return null;
                }

                items = items[1..];
            }

            // A base64 string holds no quote, so the next quote closes it.
            if (items.IsEmpty || items[0] != (byte)'"' || txs.Count == TxMessage.MaxTransactions)
            {
                return null;
            }

            var close = items[1..].IndexOf((byte)'"');
            if (close < 0 || Base64Utf8.TryDecodeCanonical(items.Slice(1, close)) is not { } tx)
            {
                return null;
            }

            txs.Add(tx);
            items = items[(close + 2)..];
        }

        return txs;
    }
}
