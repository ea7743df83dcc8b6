using System.Buffers.Binary;
using Chain.Core.Consensus;
using Chain.Core.Crypto;
using Chain.Core.Encoding;

namespace Chain.Core.Ledger;

public sealed partial class NetworkParameters
{
    // Rules digests of the two networks whose genesis predates chain specs: their genesis nonce stays 0, so their
    // genesis hashes are those every earlier data folder and peer knows (ENCODING.md, "Genesis").
    private static readonly Hash256 MainRulesDigest = Hash256.Parse("c6aeb2a2f0b73d09c8ac6c919f9c99474dc4dabb7ce02fe25ea32604b7358c47");
    private static readonly Hash256 DevRulesDigest = Hash256.Parse("58b50b8cd8fcd6cc8b66d41b1ef20d0e1f05ad25bf4190883505f459e885ab0f");

    /// <summary>
    /// The rules of the network beyond what genesis holds anyway (ENCODING.md, "Genesis"): magic, address prefix,
    /// reward schedule, minimum fee, limits, maturity and the consensus section (signers in turn order, that is
    /// ascending address bytes). Integers little-endian.
    /// </summary>
    public byte[] EncodeRules()
    {
        var prefix = System.Text.Encoding.ASCII.GetBytes(AddressPrefix);
        var consensusSize = Consensus switch
        {
            PowParameters => 1 + 12,
            PoaParameters poa => 1 + 10 + (Address.Size * poa.Signers.Count),
            _ => throw new InvalidOperationException($"Unknown consensus engine {Consensus.Engine}."),
        };
        var bytes = new byte[4 + 1 + prefix.Length + 8 + 4 + 8 + 4 + 4 + 4 + 4 + consensusSize];
        var writer = new SpanWriter(bytes);
        writer.WriteUInt32(Magic);
        writer.WriteByte((byte)prefix.Length);
        writer.WriteBytes(prefix);
        writer.WriteInt64(InitialReward);
        writer.WriteUInt32((uint)HalvingInterval);
        writer.WriteInt64(MinFee);
        writer.WriteUInt32((uint)MaxBlockBytes);
        writer.WriteUInt32((uint)MaxBlockTransactions);
        writer.WriteUInt32((uint)MaxTransactionBytes);
        writer.WriteUInt32((uint)CoinbaseMaturity);
        switch (Consensus)
        {
            case PowParameters pow:
                writer.WriteByte(0);
                writer.WriteUInt32(pow.PowLimitBits);
                writer.WriteUInt32((uint)pow.TargetBlockSeconds);
                writer.WriteUInt32((uint)pow.RetargetInterval);
                break;
            case PoaParameters poa:
                writer.WriteByte(1);
                writer.WriteUInt32((uint)poa.PeriodSeconds);
                writer.WriteUInt32((uint)poa.Epoch);
                writer.WriteUInt16((ushort)poa.Signers.Count);
                foreach (var signer in poa.Signers.Order())
                {
                    signer.WriteTo(writer.Take(Address.Size));
                }

                break;
        }

        return bytes;
    }

    /// <summary>SHA-256 of <see cref="EncodeRules"/>: two specs that differ in any rule differ here.</summary>
    public Hash256 RulesDigest => Hash256.Compute(EncodeRules());

    // The genesis nonce commits to the rules, so nodes whose specs differ in any rule (not only in an allocation)
    // have different genesis hashes and refuse each other in the handshake; main and dev keep nonce 0.
    private ulong GenesisNonce()
    {
        var digest = RulesDigest;
        if (digest == MainRulesDigest || digest == DevRulesDigest)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[Hash256.Size];
        digest.WriteTo(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
