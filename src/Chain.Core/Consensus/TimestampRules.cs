using Chain.Core.Ledger;

namespace Chain.Core.Consensus;

/// <summary>The timestamp rules every engine applies: after the median of the recent past, not too far ahead.</summary>
public static class TimestampRules
{
    /// <summary>The header's timestamp must exceed the median of the parent and its 10 ancestors.</summary>
    public static ConsensusCheck CheckAfterMedian(BlockHeader header, BlockIndex parent)
    {
        var median = parent.MedianTimePast();
        return header.Timestamp <= median
            ? new(BlockError.TimestampTooOld, $"timestamp {header.Timestamp} is not after the median {median} of the previous blocks")
            : ConsensusCheck.Valid;
    }

    /// <summary>The header's timestamp may lie at most <see cref="NetworkParameters.MaxFutureSeconds"/> ahead of <paramref name="now"/>.</summary>
    public static ConsensusCheck CheckNotTooFarAhead(BlockHeader header, long now)
    {
        var limit = now + NetworkParameters.MaxFutureSeconds;
        return header.Timestamp > limit
            ? new(BlockError.TimestampTooFarAhead, $"timestamp {header.Timestamp} is more than two hours ahead of the local clock")
            : ConsensusCheck.Valid;
    }
}
