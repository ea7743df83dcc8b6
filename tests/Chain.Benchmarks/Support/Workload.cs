using System.Security.Cryptography;
using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Benchmarks.Support;

/// <summary>
/// Funded senders and their pre-signed transfers: <see cref="FundingBlocks"/> pay each sender one block reward
/// (on top of genesis), then mine the coinbase maturity − 1 blocks that make the last of those rewards spendable; <see cref="Transfers"/>[s][n] is sender s's transfer with nonce n, valid once the funding
/// blocks and the sender's earlier nonces are applied. Recipients come from a pool of 1,000 addresses.
/// </summary>
internal sealed class Workload : IDisposable
{
    public const long Amount = 1;

    private const int RecipientPool = 1_000;

    private Workload(RSA[] keys, List<Block> fundingBlocks, Transaction[][] transfers)
    {
        Keys = keys;
        FundingBlocks = fundingBlocks;
        Transfers = transfers;
    }

    public static NetworkParameters Network => DevBlocks.Network;

    public RSA[] Keys { get; }

    public List<Block> FundingBlocks { get; }

    public Transaction[][] Transfers { get; }

    public int Senders => Keys.Length;

    public int NoncesPerSender => Transfers[0].Length;

    public int Count => Senders * NoncesPerSender;

    /// <summary>Generates keys and signs <paramref name="senders"/> × <paramref name="noncesPerSender"/> transfers on every core.</summary>
    public static Workload Create(int senders, int noncesPerSender)
    {
        var keys = new RSA[senders];
        Parallel.For(0, senders, i => keys[i] = RSA.Create(RsaPss.KeySizeBits));
        var funding = new List<Block>(senders);
        var parent = Network.Genesis.Header;
        foreach (var key in keys)
        {
            var block = DevBlocks.Build(parent, Address.FromPublicKey(key.ExportSubjectPublicKeyInfo()), []);
            funding.Add(block);
            parent = block.Header;
        }

        // Coinbase maturity: the last sender's reward is spendable only after maturity − 1 more blocks.
        for (var i = 1; i < Network.CoinbaseMaturity; i++)
        {
            var block = DevBlocks.Build(parent, Address.Zero, []);
            funding.Add(block);
            parent = block.Header;
        }

        var recipients = new Address[RecipientPool];
        for (var i = 0; i < recipients.Length; i++)
        {
            recipients[i] = new Address(SHA256.HashData(BitConverter.GetBytes(i)).AsSpan(0, Address.Size));
        }

        var transfers = new Transaction[senders][];
        for (var s = 0; s < senders; s++)
        {
            transfers[s] = new Transaction[noncesPerSender];
        }

        // Each sender's key signs on one thread at a time (an RSA object is not documented as thread-safe).
        Parallel.For(0, senders, s =>
        {
            for (var n = 0; n < noncesPerSender; n++)
            {
                var to = recipients[((s * 7919) + n) % RecipientPool];
                transfers[s][n] = Transaction.CreateSigned(keys[s], Network.Magic, to, Amount, Network.MinFee, (ulong)n);
            }
        });
        return new Workload(keys, funding, transfers);
    }

    /// <summary>Nonces <paramref name="firstNonce"/> .. +<paramref name="nonces"/>-1 of every sender, ordered by nonce then sender.</summary>
    public List<Transaction> Slice(int firstNonce, int nonces)
    {
        var list = new List<Transaction>(nonces * Senders);
        for (var n = firstNonce; n < firstNonce + nonces; n++)
        {
            for (var s = 0; s < Senders; s++)
            {
                list.Add(Transfers[s][n]);
            }
        }

        return list;
    }

    /// <summary>Blocks carrying <paramref name="txs"/> in order, at most <paramref name="perBlock"/> each, after <paramref name="parent"/>.</summary>
    public static List<Block> Chunk(BlockHeader parent, IReadOnlyList<Transaction> txs, int perBlock, Address miner)
    {
        var blocks = new List<Block>();
        for (var offset = 0; offset < txs.Count; offset += perBlock)
        {
            var count = Math.Min(perBlock, txs.Count - offset);
            var block = DevBlocks.Build(parent, miner, txs.Skip(offset).Take(count).ToList());
            blocks.Add(block);
            parent = block.Header;
        }

        return blocks;
    }

    public void Dispose()
    {
        foreach (var key in Keys)
        {
            key.Dispose();
        }
    }
}
