using System.Security.Cryptography;
using Chain.Network.Handshake;

namespace Chain.Network.Tests.Handshake;

public sealed class SessionKeysTests
{
    // PROTOCOL.md, "Test vectors": the X25519 keys are those of RFC 7748 section 6.1.
    private static readonly byte[] InitiatorEphemeral = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] ResponderEphemeral = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static readonly byte[] InitiatorSecret = Enumerable.Range(0x00, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] ResponderSecret = Enumerable.Range(0x20, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Transcript = SHA256.HashData("chain test transcript"u8);

    [Fact]
    public void EphemeralKey_Rfc7748Keys_GiveTheRfcPublicKeysAndSharedSecret()
    {
        var initiator = EphemeralKey.FromPrivateKey(InitiatorEphemeral);
        var responder = EphemeralKey.FromPrivateKey(ResponderEphemeral);

        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(initiator.PublicKey));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(responder.PublicKey));
        Assert.Equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Convert.ToHexStringLower(initiator.Agree(responder.PublicKey)));
        Assert.Equal(initiator.Agree(responder.PublicKey), responder.Agree(initiator.PublicKey));
    }

    [Fact]
    public void Derive_ProtocolVector_ReproducesBothKeys()
    {
        var shared = EphemeralKey.FromPrivateKey(InitiatorEphemeral).Agree(EphemeralKey.FromPrivateKey(ResponderEphemeral).PublicKey);

        var keys = SessionKeys.Derive(shared, InitiatorSecret, ResponderSecret, Transcript);

        Assert.Equal("3984505f4653d06164409e35d60a85d72c444fa4677b2ef13a15953e858e40be", Convert.ToHexStringLower(Transcript));
        Assert.Equal("aecbc9260d81e19f26d863fa5a82c1ce6b08c2031985cfbb62cb5d44913add32", Convert.ToHexStringLower(keys.InitiatorToResponder));
        Assert.Equal("bf9a87be8351592f44fa91b9cc4196ce2f25fa37914a3246ec05c7f07bb5a6aa", Convert.ToHexStringLower(keys.ResponderToInitiator));
    }

    [Fact]
    public void Derive_SecretsSwapped_GivesOtherKeys()
    {
        var shared = new byte[32];
        shared[0] = 1;

        var keys = SessionKeys.Derive(shared, InitiatorSecret, ResponderSecret, Transcript);
        var swapped = SessionKeys.Derive(shared, ResponderSecret, InitiatorSecret, Transcript);

        Assert.NotEqual(keys.InitiatorToResponder, swapped.InitiatorToResponder);
        Assert.NotEqual(keys.InitiatorToResponder, keys.ResponderToInitiator);
    }

    [Fact]
    public void Agree_AllZeroPublicKey_Throws()
    {
        var key = EphemeralKey.Generate();

        Assert.Throws<Chain.Network.Transport.PeerProtocolException>(() => key.Agree(new byte[32]));
    }
}
