using System.Text.Json;

namespace Chain.Network.Messages;

/// <summary>
/// Encodes messages to UTF-8 JSON and decodes them with every list length checked against its named cap.
/// Transactions, blocks, headers and coinbases are <c>byte[]</c>, which System.Text.Json writes and reads as base64
/// strings straight from and to UTF-8 (a string that is not base64 makes the message malformed).
/// Decoding never throws: malformed input (bad JSON, deep nesting, wrong types, unknown <c>type</c>,
/// missing fields, over-long lists) gives null and a reason.
/// </summary>
public static class MessageCodec
{
    /// <summary>Deepest JSON nesting accepted; real messages need 3.</summary>
    public const int MaxJsonDepth = 8;

    /// <summary>The UTF-8 JSON encoding of <paramref name="message"/>.</summary>
    public static byte[] Encode(Message message) => message switch
    {
        BlockMessage { Block: { } block } => BlockMessageCodec.Encode(block),
        TxMessage { Txs: { } txs } when !HasNull(txs) => TxMessageCodec.Encode(txs),
        InvMessage { Txs: { } txs, Blocks: { } blocks } => IdListMessageCodec.TryEncode("inv", txs, blocks) ?? Serialize(message),
        GetDataMessage { Txs: { } txs, Blocks: { } blocks } => IdListMessageCodec.TryEncode("getdata", txs, blocks) ?? Serialize(message),
        _ => Serialize(message),
    };

    private static byte[] Serialize(Message message) => JsonSerializer.SerializeToUtf8Bytes(message, MessageJsonContext.Default.Message);

    /// <summary>Decodes a message; null with <paramref name="error"/> set when the input is not a valid message.</summary>
    public static Message? TryDecode(ReadOnlySpan<byte> utf8Json, out string error)
    {
        if (BlockMessageCodec.TryDecode(utf8Json) is { } block)
        {
            error = string.Empty;
            return new BlockMessage(block);
        }

        if (TxMessageCodec.TryDecode(utf8Json) is { } txs)
        {
            error = string.Empty;
            return new TxMessage(txs);
        }

        Message? message;
        try
        {
            message = JsonSerializer.Deserialize(utf8Json, MessageJsonContext.Default.Message);
        }
        catch (JsonException e)
        {
            error = $"malformed message: {e.Message}";
            return null;
        }
        catch (NotSupportedException e)
        {
            error = $"unsupported message: {e.Message}";
            return null;
        }
        catch (InvalidOperationException e)
        {
            error = $"invalid message: {e.Message}";
            return null;
        }

        if (message is null)
        {
            error = "empty message";
            return null;
        }

        error = CheckLimits(message) ?? string.Empty;
        return error.Length == 0 ? message : null;
    }

    private static string? CheckLimits(Message message) => message switch
    {
        InvMessage m when m.Txs is null || m.Blocks is null => "inv lacks txs or blocks",
        InvMessage m when m.Txs.Count + m.Blocks.Count > InvMessage.MaxIds => $"inv of {m.Txs.Count + m.Blocks.Count} ids exceeds {InvMessage.MaxIds}",
        GetDataMessage m when m.Txs is null || m.Blocks is null => "getdata lacks txs or blocks",
        GetDataMessage m when m.Txs.Count + m.Blocks.Count > GetDataMessage.MaxIds => $"getdata of {m.Txs.Count + m.Blocks.Count} ids exceeds {GetDataMessage.MaxIds}",
        NotFoundMessage m when m.Txs is null || m.Blocks is null => "notfound lacks txs or blocks",
        NotFoundMessage m when m.Txs.Count + m.Blocks.Count > GetDataMessage.MaxIds => "notfound lists too many ids",
        TxMessage m when m.Txs is null => "tx lacks txs",
        TxMessage m when m.Txs.Count > TxMessage.MaxTransactions => $"tx of {m.Txs.Count} transactions exceeds {TxMessage.MaxTransactions}",
        TxMessage m when HasNull(m.Txs) => "tx holds a null transaction",
        BlockMessage m when m.Block is null => "block lacks block",
        GetBlocksMessage m when m.Locator is null => "getblocks lacks locator",
        GetBlocksMessage m when m.Locator.Count > GetBlocksMessage.MaxLocator => $"locator of {m.Locator.Count} hashes exceeds {GetBlocksMessage.MaxLocator}",
        BlocksMessage m when m.Blocks is null => "blocks lacks blocks",
        BlocksMessage m when m.Blocks.Count > BlocksMessage.MaxBlocks => $"batch of {m.Blocks.Count} blocks exceeds {BlocksMessage.MaxBlocks}",
        BlocksMessage m when HasNull(m.Blocks) => "blocks holds a null block",
        CompactBlockMessage m when m.Header is null || m.Coinbase is null || m.Txs is null => "cmpctblock lacks header, coinbase or txs",
        CompactBlockMessage m when m.Txs.Count > CompactBlockMessage.MaxTxIds => $"cmpctblock of {m.Txs.Count} ids exceeds {CompactBlockMessage.MaxTxIds}",
        GetBlockTxnMessage m when m.Block is null || m.Txs is null => "getblocktxn lacks block or txs",
        GetBlockTxnMessage m when m.Txs.Count > CompactBlockMessage.MaxTxIds => $"getblocktxn of {m.Txs.Count} ids exceeds {CompactBlockMessage.MaxTxIds}",
        BlockTxnMessage m when m.Block is null || m.Txs is null => "blocktxn lacks block or txs",
        BlockTxnMessage m when m.Txs.Count > CompactBlockMessage.MaxTxIds => $"blocktxn of {m.Txs.Count} transactions exceeds {CompactBlockMessage.MaxTxIds}",
        BlockTxnMessage m when HasNull(m.Txs) => "blocktxn holds a null transaction",
        _ => null,
    };

    // The nullable annotations guard properties, not list items.
    private static bool HasNull(IReadOnlyList<byte[]> items)
    {
        foreach (var item in items)
        {
            if (item is null)
            {
                return true;
            }
        }

        return false;
    }
}
