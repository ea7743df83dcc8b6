using System.Globalization;
using Chain.Core.Crypto;
using Chain.Core.Ledger;
using Chain.Node.Operations.Results;

namespace Chain.Node.Operations;

/// <summary>The ledger's operations: blocks, headers, transactions, the mempool, raw forms and fees.</summary>
public sealed partial class NodeOperations
{
    /// <summary>
    /// Transactions a block template takes (<see cref="Blockchain.CreateTemplate(Chain.Core.Crypto.Address, int)"/>'s default): with fewer waiting,
    /// the next block has room for any fee at the minimum.
    /// </summary>
    public const int FeeEstimateBlockTransactions = 5_000;

    /// <summary>The last <paramref name="count"/> blocks of the best chain, tip first.</summary>
    public ChainListing ChainTail(int count)
    {
        var entries = new List<ChainEntry>();
        for (var entry = chain.Tip; entry is not null && count-- > 0; entry = entry.Parent)
        {
            entries.Add(new ChainEntry(entry.Height, entry.Hash.ToString(), Time(entry.Header.Timestamp), entry.TransactionCount));
        }

        return new ChainListing(entries);
    }

    /// <summary>A block of the best chain by height, or any known block by hash.</summary>
    public BlockInfo Block(string heightOrHash)
    {
        var entry = FindBlock(heightOrHash);
        return Describe(entry.Block, entry.CumulativeWork);
    }

    /// <summary>A block's header, found as by <see cref="Block"/>.</summary>
    public HeaderInfo Header(string heightOrHash)
    {
        var entry = FindBlock(heightOrHash);
        return Describe(entry.Header, entry.CumulativeWork, chain.Network);
    }

    /// <summary>A block in ENCODING.md's encoding, hex.</summary>
    public RawData RawBlock(string heightOrHash) => new(FindBlock(heightOrHash).EncodeBlock());

    /// <summary>A transaction of the chain or the mempool, and where it is.</summary>
    public TransactionLookup Transaction(Hash256 id)
    {
        var (tx, block) = FindTransaction(id);
        return block is null
            ? new TransactionLookup(Describe(tx), "pending", null, null)
            : new TransactionLookup(Describe(tx), "confirmed", block.Height, block.Hash.ToString());
    }

    /// <summary>A transaction in ENCODING.md's encoding, hex.</summary>
    public RawData RawTransaction(Hash256 id) => new(FindTransaction(id).Tx.Encode());

    /// <summary>The transactions waiting for a block.</summary>
    public MempoolListing Mempool() => new([.. chain.GetMempool().Select(Describe)]);

    /// <summary>
    /// Decodes a transaction or a block in ENCODING.md's encoding (tried in that order) without checking it
    /// against the ledger; addresses in the text form of the network each transaction is for (this node's included).
    /// </summary>
    public DecodedData Decode(byte[] data)
    {
        try
        {
            return new DecodedData("transaction", Describe(Core.Ledger.Transaction.Decode(data)), null);
        }
        catch (FormatException)
        {
            // Not a transaction: a block, or neither.
        }

        try
        {
            return new DecodedData("block", null, Describe(Core.Ledger.Block.Decode(data), null));
        }
        catch (FormatException e)
        {
            throw OperationException.Invalid($"neither a transaction nor a block: {e.Message}");
        }
    }

    /// <summary>
    /// Submits a transaction signed elsewhere (ENCODING.md's encoding): validated as one from a peer, and announced
    /// to the peers once the mempool takes it.
    /// </summary>
    public SendInfo SendRaw(byte[] data)
    {
        var tx = DecodeForSubmission(data);
        var result = chain.SubmitTransaction(tx);
        return result.IsValid ? new SendInfo(tx.Id.ToString()) : throw Refusal(result);
    }

    /// <summary>
    /// Submits several transactions as <see cref="SendRaw(byte[])"/> would one after another, in order, with their signatures
    /// verified in parallel on every core and the mempool taking them under one lock (<see cref="Blockchain.SubmitTransactions"/>):
    /// each outcome is the answer, or the <see cref="OperationException"/>, that <see cref="SendRaw(byte[])"/> would have given.
    /// </summary>
    public IReadOnlyList<SendRawOutcome> SendRaw(IReadOnlyList<byte[]> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var outcomes = new SendRawOutcome[data.Count];
        var txs = new List<Transaction>(data.Count);
        var positions = new List<int>(data.Count);
        for (var i = 0; i < data.Count; i++)
        {
            try
            {
                txs.Add(DecodeForSubmission(data[i]));
                positions.Add(i);
            }
            catch (OperationException e)
            {
                outcomes[i] = new SendRawOutcome(null, e);
            }
        }

        var results = txs.Count == 0 ? [] : chain.SubmitTransactions(txs);
        for (var k = 0; k < results.Count; k++)
        {
            outcomes[positions[k]] = results[k].IsValid
                ? new SendRawOutcome(new SendInfo(txs[k].Id.ToString()), null)
                : new SendRawOutcome(null, Refusal(results[k]));
        }

        return outcomes;
    }

    // A transfer for the mempool, or the error sendraw answers for data that cannot be one.
    private static Transaction DecodeForSubmission(byte[] data)
    {
        Transaction tx;
        try
        {
            tx = Core.Ledger.Transaction.Decode(data);
        }
        catch (FormatException e)
        {
            throw OperationException.Invalid($"not a transaction: {e.Message}");
        }

        return tx.IsCoinbase ? throw new OperationException(OperationError.Refused, "a coinbase is only valid inside a block") : tx;
    }

    private static OperationException Refusal(TxResult result) =>
        new(OperationError.Refused, $"{ToWords(result.Error)}: {result.Message}");

    /// <summary>
    /// The fee that gets a transaction into the next block with the mempool as it is: the network minimum while
    /// fewer than <see cref="FeeEstimateBlockTransactions"/> wait, else one base unit above the fee of the last
    /// transaction that fits, by fee.
    /// </summary>
    public FeeEstimate EstimateFee()
    {
        var fees = chain.GetMempool().Select(t => t.Fee).OrderDescending().ToList();
        var minimum = chain.Network.MinFee;
        var fee = fees.Count < FeeEstimateBlockTransactions ? minimum : Math.Max(minimum, checked(fees[FeeEstimateBlockTransactions - 1] + 1));
        var median = fees.Count == 0 ? minimum : fees[fees.Count / 2];
        return new FeeEstimate(Money.Format(fee), Money.Format(minimum), fees.Count, Money.Format(median));
    }

    // 64 characters are a hash even when every one is a decimal digit; anything shorter is a height.
    private BlockIndex FindBlock(string heightOrHash)
    {
        var entry = heightOrHash.Length == Hash256.Size * 2
            ? Hash256.TryParse(heightOrHash, out var hash) ? chain.GetBlock(hash) : throw OperationException.Invalid($"'{heightOrHash}' is not a block hash (64 hexadecimal characters)")
            : uint.TryParse(heightOrHash, NumberStyles.None, CultureInfo.InvariantCulture, out var height)
                ? chain.GetBlockByHeight(height)
                : throw OperationException.Invalid($"'{OperationParsers.Echo(heightOrHash)}' is neither a height nor a 64-character block hash");
        return entry ?? throw new OperationException(OperationError.NotFound, $"no block {heightOrHash}");
    }

    private (Transaction Tx, BlockIndex? Block) FindTransaction(Hash256 id) =>
        chain.FindTransaction(id) ?? throw new OperationException(OperationError.NotFound, $"no transaction {id}");
}
