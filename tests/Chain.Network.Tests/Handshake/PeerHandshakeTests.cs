using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Chain.Core.Crypto;
using Chain.Network.Handshake;
using Chain.Network.Transport;

namespace Chain.Network.Tests.Handshake;

public sealed class PeerHandshakeTests
{
    private static async Task<(Task<HandshakeResult> Initiator, Task<HandshakeResult> Responder, RawPeer Client, RawPeer Server)> StartAsync(
        HandshakeSettings initiator, HandshakeSettings responder, string? pinned = null)
    {
        // No token: every await on the two handshakes is bounded by the hang guard instead (a token source created
        // here was disposed while the handshakes still ran).
        var (client, server) = await RawPeer.PairAsync();
        var i = PeerHandshake.RunAsync(client.Input, client.Output, initiator, isInitiator: true, pinned, CancellationToken.None);
        var r = PeerHandshake.RunAsync(server.Input, server.Output, responder, isInitiator: false, null, CancellationToken.None);
        return (i, r, client, server);
    }

    private static async Task<PeerProtocolException> FailsAsync(Task<HandshakeResult> handshake) =>
        await Assert.ThrowsAsync<PeerProtocolException>(() => handshake.WaitAsync(TestSupport.Timeout));

    [Fact]
    public async Task RunAsync_SameNetwork_BothSidesAuthenticateAndShareKeys()
    {
        var (i, r, client, server) = await StartAsync(TestSupport.Settings(TestSupport.KeyA), TestSupport.Settings(TestSupport.KeyB));
        await using var c = client;
        await using var s = server;

        using var initiator = await i.WaitAsync(TestSupport.Timeout);
        using var responder = await r.WaitAsync(TestSupport.Timeout);

        Assert.Equal(TestSupport.KeyB.NodeId, initiator.Peer.NodeId);
        Assert.Equal(TestSupport.KeyA.NodeId, responder.Peer.NodeId);
        Assert.Equal(7u, responder.Peer.BestHeight);
        Assert.Equal((UInt128)0x1234_5678_9abc_def0, responder.Peer.CumulativeWork);
        Assert.Equal(1234, responder.Peer.ListenPort);
        Assert.Equal("test/1", responder.Peer.UserAgent);
        Assert.Equal(TestSupport.Network.GenesisHash, responder.Peer.GenesisHash);
        var there = initiator.Sender.Seal(FrameKind.Data, [1, 2, 3]);
        Assert.Equal([1, 2, 3], responder.Receiver.Open(new ReadOnlySequence<byte>(there.AsMemory(4))).Body.ToArray());
        var back = responder.Sender.Seal(FrameKind.Data, [4]);
        Assert.Equal([4], initiator.Receiver.Open(new ReadOnlySequence<byte>(back.AsMemory(4))).Body.ToArray());
    }

    [Fact]
    public async Task RunAsync_DifferentNetwork_RejectedWithTheReason()
    {
        var other = new NetworkIdentity(TestSupport.Network.Magic + 1, TestSupport.Network.GenesisHash);
        var (i, r, client, server) = await StartAsync(TestSupport.Settings(TestSupport.KeyA), TestSupport.Settings(TestSupport.KeyB, other));
        await using var c = client;
        await using var s = server;

        Assert.Equal(DisconnectCode.WrongNetwork, (await FailsAsync(r)).Message);
        Assert.Equal(PeerHandshake.RefusedByPeerPrefix + DisconnectCode.WrongNetwork, (await FailsAsync(i)).Message);
    }

    [Fact]
    public async Task RunAsync_DifferentGenesis_RejectedWithTheReason()
    {
        var other = new NetworkIdentity(TestSupport.Network.Magic, Hash256.Compute("another genesis"u8));
        var (i, r, client, server) = await StartAsync(TestSupport.Settings(TestSupport.KeyA, other), TestSupport.Settings(TestSupport.KeyB));
        await using var c = client;
        await using var s = server;

        Assert.Equal(DisconnectCode.WrongGenesis, (await FailsAsync(r)).Message);
        Assert.Equal(PeerHandshake.RefusedByPeerPrefix + DisconnectCode.WrongGenesis, (await FailsAsync(i)).Message);
    }

    [Fact]
    public async Task RunAsync_PinnedIdDiffers_InitiatorRefuses()
    {
        var (i, r, client, server) = await StartAsync(TestSupport.Settings(TestSupport.KeyA), TestSupport.Settings(TestSupport.KeyB), pinned: TestSupport.KeyC.NodeId);
        await using var c = client;
        await using var s = server;

        Assert.Equal(DisconnectCode.UnexpectedNodeId, (await FailsAsync(i)).Message);
        Assert.Equal(PeerHandshake.RefusedByPeerPrefix + DisconnectCode.UnexpectedNodeId, (await FailsAsync(r)).Message);
    }

    [Fact]
    public async Task RunAsync_PinnedIdMatches_Succeeds()
    {
        var (i, r, client, server) = await StartAsync(TestSupport.Settings(TestSupport.KeyA), TestSupport.Settings(TestSupport.KeyB), pinned: TestSupport.KeyB.NodeId);
        await using var c = client;
        await using var s = server;

        (await i.WaitAsync(TestSupport.Timeout)).Dispose();
        (await r.WaitAsync(TestSupport.Timeout)).Dispose();
    }

    [Fact]
    public async Task RunAsync_SameNodeKeyOnBothEnds_RejectedAsSelfConnection()
    {
        var (i, r, client, server) = await StartAsync(TestSupport.Settings(TestSupport.KeyA), TestSupport.Settings(TestSupport.KeyA));
        await using var c = client;
        await using var s = server;

        Assert.Equal(DisconnectCode.SelfConnection, (await FailsAsync(r)).Message);
        Assert.Equal(PeerHandshake.RefusedByPeerPrefix + DisconnectCode.SelfConnection, (await FailsAsync(i)).Message);
    }

    [Fact]
    public async Task RunAsync_OwnNonceComesBack_RejectedAsSelfConnection()
    {
        var nonce = RandomNumberGenerator.GetBytes(PeerHandshake.NonceSize);
        var initiator = new HandshakeSettings { NodeKey = TestSupport.KeyA, Network = TestSupport.Network, Nonce = nonce };
        var responder = new HandshakeSettings { NodeKey = TestSupport.KeyB, Network = TestSupport.Network, IsOwnNonce = n => n.Span.SequenceEqual(nonce) };
        var (i, r, client, server) = await StartAsync(initiator, responder);
        await using var c = client;
        await using var s = server;

        Assert.Equal(DisconnectCode.SelfConnection, (await FailsAsync(r)).Message);
        await FailsAsync(i);
    }

    [Fact]
    public async Task RunAsync_SecretEncryptedToWrongKey_HandshakeFailsAuthentication()
    {
        using var wrong = RSA.Create(2048);
        var initiator = new HandshakeSettings { NodeKey = TestSupport.KeyA, Network = TestSupport.Network, EncryptSecretToOverride = wrong };
        var (i, r, client, server) = await StartAsync(initiator, TestSupport.Settings(TestSupport.KeyB));
        await using var c = client;
        await using var s = server;

        Assert.Contains(DisconnectCode.AuthenticationFailed, (await FailsAsync(r)).Message, StringComparison.Ordinal);
        Assert.Contains(DisconnectCode.AuthenticationFailed, (await FailsAsync(i)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_GarbageFrameInsteadOfHello_RefusedAsMalformed()
    {
        var (client, server) = await RawPeer.PairAsync();
        await using var c = client;
        await using var s = server;
        var responder = PeerHandshake.RunAsync(server.Input, server.Output, TestSupport.Settings(TestSupport.KeyB), false, null, CancellationToken.None);

        await client.WriteAsync(FrameWriter.Encode("this is not json"u8));

        var failure = await FailsAsync(responder);
        Assert.Equal($"{PeerHandshake.NotChainNode} (its first frame is not a hello: {DisconnectCode.MalformedHandshake})", failure.Message);
        Assert.Equal(DisconnectCode.MalformedHandshake, failure.Code);
        var reply = await FrameReader.ReadFrameAsync(client.Input, PeerHandshake.MaxHandshakeFrameSize, CancellationToken.None).AsTask().WaitAsync(TestSupport.Timeout);
        Assert.Contains(DisconnectCode.MalformedHandshake, System.Text.Encoding.UTF8.GetString(reply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnframedGarbage_FailsOnTheLength()
    {
        var (client, server) = await RawPeer.PairAsync();
        await using var c = client;
        await using var s = server;
        var responder = PeerHandshake.RunAsync(server.Input, server.Output, TestSupport.Settings(TestSupport.KeyB), false, null, CancellationToken.None);

        await client.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());

        Assert.Contains("exceeds", (await FailsAsync(responder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NodeIdNotHashOfKey_Refused()
    {
        var (client, server) = await RawPeer.PairAsync();
        await using var c = client;
        await using var s = server;
        var responder = PeerHandshake.RunAsync(server.Input, server.Output, TestSupport.Settings(TestSupport.KeyB), false, null, CancellationToken.None);
        var hello = new HelloMessage
        {
            Version = PeerHandshake.ProtocolVersion,
            Magic = TestSupport.Network.Magic,
            Genesis = TestSupport.Network.GenesisHash.ToString(),
            NodeKey = Convert.ToBase64String(TestSupport.KeyA.PublicKey),
            NodeId = TestSupport.KeyC.NodeId,
            CumulativeWork = "0",
            UserAgent = "forger",
            EphemeralKey = Convert.ToBase64String(EphemeralKey.Generate().PublicKey),
            Nonce = Convert.ToBase64String(new byte[32]),
        };

        await client.WriteAsync(FrameWriter.Encode(JsonSerializer.SerializeToUtf8Bytes(hello, HandshakeJsonContext.Default.HelloMessage)));

        Assert.Equal(DisconnectCode.NodeIdMismatch, (await FailsAsync(responder)).Message);
    }

    [Fact]
    public async Task RunAsync_SilentPeer_EndsWhenTheTimeoutFires()
    {
        var (client, server) = await RawPeer.PairAsync();
        await using var c = client;
        await using var s = server;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var responder = PeerHandshake.RunAsync(server.Input, server.Output, TestSupport.Settings(TestSupport.KeyB), false, null, timeout.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => responder.WaitAsync(TestSupport.Timeout));
    }
}
