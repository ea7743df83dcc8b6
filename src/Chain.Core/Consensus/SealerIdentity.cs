using Chain.Core.Crypto;

namespace Chain.Core.Consensus;

/// <summary>Who seals a block on a proof-of-authority network, and what it proposes in it.</summary>
/// <param name="SignerKey">The signer's RSA public key, SubjectPublicKeyInfo DER (its address is the signer).</param>
/// <param name="Vote">The change of the signer set this signer proposes, or <see cref="SignerVote.None"/>.</param>
public sealed record SealerIdentity(byte[] SignerKey, SignerVote Vote)
{
    /// <summary>The signer's address.</summary>
    public Address Signer { get; } = Address.FromPublicKey(SignerKey);
}
