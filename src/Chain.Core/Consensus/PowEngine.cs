using Chain.Core.Crypto;
using Chain.Core.Ledger;

namespace Chain.Core.Consensus;

/// <summary>
/// Proof of work: a header's SHA-256 must meet the target its bits name, the target must be the one
/// <see cref="Difficulty.NextBits(PowParameters, BlockIndex)"/> requires, and a branch weighs the expected hashes of its
/// blocks (<see cref="Target.Work"/>).
/// </summary>
public sealed class PowEngine : IConsensusEngine
{
    private readonly PowParameters _parameters;

    /// <summary>Creates the engine for <paramref name="parameters"/>.</summary>
    public PowEngine(PowParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    /// <inheritdoc />
    public ConsensusParameters Parameters => _parameters;

    /// <inheritdoc />
    public uint HeaderVersion => BlockHeader.CurrentVersion;

    /// <inheritdoc />
    public int MaxHeaderSize => BlockHeader.Size;

    /// <inheritdoc />
    public ConsensusCheck CheckSeal(BlockHeader header)
    {
        if (!Target.TryExpand(header.Bits, out var target))
        {
            return new(BlockError.WrongDifficulty, $"invalid compact target 0x{header.Bits:x8}");
        }

        return Target.IsMetBy(header.Hash, target)
            ? ConsensusCheck.Valid
            : new(BlockError.InsufficientWork, $"hash {header.Hash} does not meet target 0x{header.Bits:x8}");
    }

    /// <inheritdoc />
    public ConsensusCheck CheckDifficulty(BlockHeader header, BlockIndex parent)
    {
        var required = Difficulty.NextBits(_parameters, parent);
        return header.Bits != required
            ? new(BlockError.WrongDifficulty, $"target 0x{header.Bits:x8} where 0x{required:x8} is required")
            : ConsensusCheck.Valid;
    }

    /// <inheritdoc />
    public ConsensusCheck CheckContext(BlockHeader header, BlockIndex parent, long now)
    {
        var check = CheckDifficulty(header, parent);
        if (!check.IsValid)
        {
            return check;
        }

        check = TimestampRules.CheckAfterMedian(header, parent);
        if (!check.IsValid)
        {
            return check;
        }

        if (Difficulty.StartsWindow(_parameters, header.Height) && header.Timestamp < parent.Header.Timestamp)
        {
            return new(BlockError.TimeWarp, $"timestamp {header.Timestamp} starts a difficulty window before its parent's {parent.Header.Timestamp}");
        }

        return TimestampRules.CheckNotTooFarAhead(header, now);
    }

    /// <inheritdoc />
    public UInt128 Work(BlockHeader header) => Target.Work(header.Bits);

    /// <inheritdoc />
    public bool WinsTie(BlockIndex candidate, BlockIndex current) => false;

    /// <inheritdoc />
    public double DisplayDifficulty(BlockHeader header) => Target.Difficulty(header.Bits, _parameters.PowLimitBits);

    /// <inheritdoc />
    public BlockHeader Prepare(BlockIndex parent, Hash256 merkleRoot, long now, SealerIdentity? sealer)
    {
        var height = parent.Height + 1;
        var timestamp = Math.Max(now, parent.MedianTimePast() + 1);
        if (Difficulty.StartsWindow(_parameters, height))
        {
            timestamp = Math.Max(timestamp, parent.Header.Timestamp); // the time-warp rule
        }

        return new BlockHeader(BlockHeader.CurrentVersion, height, parent.Hash, merkleRoot, timestamp, Difficulty.NextBits(_parameters, parent), 0);
    }
}
