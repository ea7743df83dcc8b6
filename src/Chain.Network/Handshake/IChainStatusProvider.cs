namespace Chain.Network.Handshake;

/// <summary>Supplies the hello's changing fields; called once per handshake, from any thread.</summary>
public interface IChainStatusProvider
{
    /// <summary>The current best height and cumulative work.</summary>
    ChainStatus GetStatus();
}
