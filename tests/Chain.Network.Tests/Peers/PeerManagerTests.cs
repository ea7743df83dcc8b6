using System.Net;
using Chain.Network.Handshake;
using Chain.Network.Peers;
using Chain.Network.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Chain.Network.Tests.Peers;

public sealed class PeerManagerTests
{
    private static async Task<(PeerManager A, PeerManager B, PeerConnection AToB, PeerConnection BToA)> ConnectedPairAsync()
    {
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB);
        await a.ConnectAsync("127.0.0.1", b.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout);
        var aToB = (await a.NextAsync<PeerConnectedEvent>()).Peer;
        var bToA = (await b.NextAsync<PeerConnectedEvent>()).Peer;
        return (a, b, aToB, bToA);
    }

    /// <summary>A raw client that completes a real handshake with <paramref name="manager"/>, then sends what the test wants.</summary>
    private static async Task<(RawPeer Raw, HandshakeResult Session)> HandshakeAsync(PeerManager manager, NodeKey key)
    {
        var raw = await RawPeer.ConnectAsync(manager.LocalEndPoint!);
        using var timeout = new CancellationTokenSource(TestSupport.Timeout);
        var session = await PeerHandshake.RunAsync(raw.Input, raw.Output, TestSupport.Settings(key), isInitiator: true, manager.NodeId, timeout.Token);
        return (raw, session);
    }

    // A handshake as KeyB over a connection already open.
    private static async Task<HandshakeResult> HandshakeOverAsync(RawPeer raw, PeerManager manager)
    {
        using var timeout = new CancellationTokenSource(TestSupport.Timeout);
        return await PeerHandshake.RunAsync(raw.Input, raw.Output, TestSupport.Settings(TestSupport.KeyB), isInitiator: true, manager.NodeId, timeout.Token);
    }

    [Fact]
    public async Task ConnectAsync_TwoNodes_BothAnnounceAndExchangePayloads()
    {
        var (a, b, aToB, bToA) = await ConnectedPairAsync();
        try
        {
            Assert.False(aToB.IsInbound);
            Assert.True(bToA.IsInbound);
            Assert.Equal(TestSupport.KeyB.NodeId, aToB.NodeId);
            Assert.Equal(42u, aToB.Hello.BestHeight);
            Assert.Equal((UInt128)4242, aToB.Hello.CumulativeWork);
            Assert.Equal(a.LocalEndPoint!.Port, bToA.Hello.ListenPort);
            Assert.Equal(IPAddress.Loopback, bToA.RemoteEndPoint.Address);

            Assert.True(a.Send(b.NodeId, "to b"u8.ToArray()));
            var atB = await b.NextAsync<PayloadReceivedEvent>();
            Assert.Equal("to b"u8.ToArray(), atB.Payload.ToArray());
            Assert.Same(bToA, atB.Peer);
            Assert.True(aToB.BytesSent >= FrameCipher.SealedLength(4), $"A counted {aToB.BytesSent} bytes sent");
            Assert.True(bToA.BytesReceived >= FrameCipher.SealedLength(4), $"B counted {bToA.BytesReceived} bytes received");

            Assert.Equal(1, b.Broadcast("to all"u8.ToArray()));
            Assert.Equal("to all"u8.ToArray(), (await a.NextAsync<PayloadReceivedEvent>()).Payload.ToArray());
            Assert.Single(a.Peers);
            Assert.Single(b.Peers);
        }
        finally
        {
            await a.StopAsync();
        }

        var gone = await b.NextAsync<PeerDisconnectedEvent>();
        Assert.Equal(PeerConnection.PeerDisconnectedPrefix + PeerManager.ShutdownReason, gone.Reason);
        await b.StopAsync();
    }

    [Fact]
    public async Task FramesReceived_AfterHandshakeAndEachDataFrame_CountsSealedFramesOpened()
    {
        var (a, b, _, bToA) = await ConnectedPairAsync();
        try
        {
            var before = bToA.FramesReceived;
            Assert.True(before >= 1); // the handshake's Finished

            Assert.True(a.Send(b.NodeId, "one"u8.ToArray()));
            Assert.True(a.Send(b.NodeId, "two"u8.ToArray()));
            await b.NextAsync<PayloadReceivedEvent>();
            await b.NextAsync<PayloadReceivedEvent>();

            Assert.Equal(before + 2, bToA.FramesReceived);
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Fact]
    public async Task Broadcast_ExceptOnePeer_SkipsThatPeer()
    {
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB);
        var c = await TestSupport.StartManagerAsync(TestSupport.KeyC);
        try
        {
            var toB = await a.ConnectAsync("127.0.0.1", b.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout);
            await a.ConnectAsync("127.0.0.1", c.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout);

            Assert.Equal(1, a.Broadcast("news"u8.ToArray(), except: toB));
            Assert.True(a.Send(b.NodeId, "direct"u8.ToArray()));

            Assert.Equal("news"u8.ToArray(), (await c.NextAsync<PayloadReceivedEvent>()).Payload.ToArray());
            Assert.Equal("direct"u8.ToArray(), (await b.NextAsync<PayloadReceivedEvent>()).Payload.ToArray());
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
            await c.StopAsync();
        }
    }

    [Fact]
    public async Task ConnectAsync_ToItsOwnListener_RejectedAsSelfConnection()
    {
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        try
        {
            var error = await Assert.ThrowsAsync<PeerProtocolException>(() => a.ConnectAsync("127.0.0.1", a.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout));

            Assert.Contains(DisconnectCode.SelfConnection, error.Message, StringComparison.Ordinal);
            Assert.Equal(DisconnectCode.SelfConnection, error.Code);
            Assert.False(error.RefusedByPeer, "detected by the node itself (its own nonce came back), not taken from the peer");
            Assert.Empty(a.Peers);
        }
        finally
        {
            await a.StopAsync();
        }
    }

    [Fact]
    public async Task ConnectAsync_SimultaneousDialsBothWays_LeaveOneConnection()
    {
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB);
        try
        {
            await Task.WhenAll(
                a.ConnectAsync("127.0.0.1", b.LocalEndPoint!.Port),
                b.ConnectAsync("127.0.0.1", a.LocalEndPoint!.Port)).WaitAsync(TestSupport.Timeout);

            await TestSupport.EventuallyAsync(() => a.Peers.Count == 1 && b.Peers.Count == 1 && a.Peers[0].IsConnected && b.Peers[0].IsConnected, "one connection each");
            await Task.Delay(300);
            Assert.Single(a.Peers);
            Assert.Single(b.Peers);

            // Both kept the connection dialled by the lower node id.
            var aDialled = string.CompareOrdinal(a.NodeId, b.NodeId) < 0;
            Assert.Equal(aDialled, !a.Peers[0].IsInbound);
            Assert.Equal(aDialled, b.Peers[0].IsInbound);
            Assert.Equal(a.Peers[0].RemoteEndPoint.Port, aDialled ? b.LocalEndPoint.Port : a.Peers[0].RemoteEndPoint.Port);
            Assert.True(a.Send(b.NodeId, new byte[] { 7 }));
            Assert.Equal([7], (await b.NextAsync<PayloadReceivedEvent>()).Payload.ToArray());
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Fact]
    public async Task ConnectAsync_AlreadyConnected_ReturnsTheExistingConnection()
    {
        var (a, b, aToB, _) = await ConnectedPairAsync();
        try
        {
            var again = await a.ConnectAsync("127.0.0.1", b.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout);

            Assert.Same(aToB, again);
            Assert.Single(a.Peers);
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Fact]
    public async Task Listener_InboundCapReached_ClosesFurtherConnections()
    {
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA, o =>
        {
            o.MaxInbound = 2;
            o.HandshakeTimeout = TimeSpan.FromSeconds(30);
        });
        try
        {
            await using var first = await RawPeer.ConnectAsync(m.LocalEndPoint!);
            await using var second = await RawPeer.ConnectAsync(m.LocalEndPoint!);
            Assert.True(await RawPeer.RefusedAsync(m.LocalEndPoint!));

            // The connection held before the refusal is still served: a whole handshake over it succeeds (instead of
            // checking that nothing closed it within a fixed 200 ms).
            using var session = await HandshakeOverAsync(first, m);
            Assert.Equal(TestSupport.KeyB.NodeId, (await m.NextAsync<PeerConnectedEvent>()).Peer.NodeId);
        }
        finally
        {
            await m.StopAsync();
        }
    }

    [Fact]
    public async Task Listener_PerAddressCapReached_ClosesFurtherConnections()
    {
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA, o =>
        {
            o.MaxInboundPerAddress = 1;
            o.HandshakeTimeout = TimeSpan.FromSeconds(30);
        });
        try
        {
            await using var first = await RawPeer.ConnectAsync(m.LocalEndPoint!);
            Assert.True(await RawPeer.RefusedAsync(m.LocalEndPoint!));
        }
        finally
        {
            await m.StopAsync();
        }
    }

    [Fact]
    public async Task Listener_HandshakeBurstSpent_FurtherConnectionsResetBeforeAnyHandshakeWork()
    {
        // Every well-formed hello used to cost the responder an RSA signature and an OAEP encryption (about 1.2 ms
        // of CPU), however fast one address came back. Now an address's token bucket is checked at accept.
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA, o =>
        {
            o.LimitLoopbackHandshakes = true;
            o.MaxHandshakeBurst = 5;
            o.HandshakeInterval = TimeSpan.FromHours(1);

            // Only the token bucket may refuse here. With the default cap of 4 inbound connections per address, the
            // fifth handshake was refused (reset at connect) whenever the node had not yet seen one of the first four
            // close: 3 failures in 9 runs on an idle machine.
            o.MaxInboundPerAddress = 16;
            o.MaxInboundPerGroup = 16;
        });
        try
        {
            // The first handshake warms up (JIT); the CPU of the next four and of the refused ones is printed (both
            // ends of the connection, all in this process), a figure, not an assertion.
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = TimeSpan.Zero;
            for (var i = 0; i < 5; i++)
            {
                if (i == 1)
                {
                    process.Refresh();
                    cpu = process.TotalProcessorTime;
                }

                var (raw, session) = await HandshakeAsync(m, TestSupport.KeyB);
                session.Dispose();
                await raw.DisposeAsync();
            }

            process.Refresh();
            var handshakeCpu = (process.TotalProcessorTime - cpu) / 4;
            cpu = process.TotalProcessorTime;
            const int refused = 50;
            for (var i = 0; i < refused; i++)
            {
                Assert.True(await RawPeer.RefusedAsync(m.LocalEndPoint!), $"connection {i + 6} was not refused");
            }

            process.Refresh();
            var refusedCpu = (process.TotalProcessorTime - cpu) / refused;
            Console.WriteLine($"process CPU (both ends): {handshakeCpu.TotalMilliseconds:F2} ms per full handshake, {refusedCpu.TotalMilliseconds:F3} ms per refused connection");

            Assert.Equal(5, m.InboundHandshakesStarted);
            await TestSupport.EventuallyAsync(() => m.InboundCount == 0, "the five handshaken connections to close; the refused ones never took a slot");
            Assert.InRange(m.Refusals.LinesWritten, 1, 2);
        }
        finally
        {
            await m.StopAsync();
        }
    }

    [Fact]
    public async Task Listener_RefusedAddress_ResetBeforeHandshakeUntilExpiry()
    {
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA, o => o.HandshakeTimeout = TimeSpan.FromSeconds(30));
        try
        {
            m.Refuse(IPAddress.Loopback, DateTimeOffset.UtcNow.AddSeconds(3));
            m.Refuse(IPAddress.Loopback, DateTimeOffset.UtcNow); // a shorter refusal does not cut it short

            Assert.True(m.IsRefused(IPAddress.Loopback.MapToIPv6()));
            Assert.True(await RawPeer.RefusedAsync(m.LocalEndPoint!));
            Assert.Equal(0, m.InboundCount);

            // Once the refusal lapses the address is served again (a held connection gets no reset).
            await Protocol.WaitUntil.Async(() => !m.IsRefused(IPAddress.Loopback), "the refusal to lapse", TimeSpan.FromSeconds(10));
            await using var later = await RawPeer.ConnectAsync(m.LocalEndPoint!);
            using var session = await HandshakeOverAsync(later, m);
            Assert.Equal(TestSupport.KeyB.NodeId, (await m.NextAsync<PeerConnectedEvent>()).Peer.NodeId);
            Assert.Equal(1, m.InboundCount);
        }
        finally
        {
            await m.StopAsync();
        }
    }

    [Fact]
    public async Task Refuse_IPv6Address_CoversItsSlash64Only()
    {
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        try
        {
            m.Refuse(IPAddress.Parse("2001:db8:1:2:aaaa::1"), DateTimeOffset.UtcNow.AddMinutes(10));

            Assert.True(m.IsRefused(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")));
            Assert.False(m.IsRefused(IPAddress.Parse("2001:db8:1:3::1")));
            Assert.False(m.IsRefused(IPAddress.Parse("192.0.2.1")));
        }
        finally
        {
            await m.StopAsync();
        }
    }

    [Fact]
    public async Task Listener_SilentConnection_DroppedAtHandshakeTimeoutAndSlotFreed()
    {
        // The handshake timeout runs on a fake clock that moves only while the silent connection is open, so the
        // honest handshake that follows is never cut short however slow the machine (at 1.5 s of real time it was).
        var clock = new FakeTimeProvider();
        var handshakeTimeout = TimeSpan.FromSeconds(10);
        var m = await TestSupport.StartManagerAsync(
            TestSupport.KeyA,
            o =>
            {
                o.MaxInbound = 1;
                o.HandshakeTimeout = handshakeTimeout;
            },
            time: clock);
        try
        {
            await using (var silent = await RawPeer.ConnectAsync(m.LocalEndPoint!))
            {
                // The node may start its handshake timer after a step: keep stepping until it closes the connection.
                var closed = silent.ClosedByPeerAsync();
                while (!closed.IsCompleted)
                {
                    clock.Advance(handshakeTimeout);
                    await Task.WhenAny(closed, Task.Delay(20));
                }

                Assert.True(await closed);
            }

            await TestSupport.EventuallyAsync(() => m.InboundCount == 0, "the inbound slot to be freed");

            var (raw, session) = await HandshakeAsync(m, TestSupport.KeyB);
            await using var _ = raw;
            using var __ = session;
            Assert.Equal(TestSupport.KeyB.NodeId, (await m.NextAsync<PeerConnectedEvent>()).Peer.NodeId);
        }
        finally
        {
            await m.StopAsync();
        }
    }

    public enum Tampering
    {
        BodyBitFlip,
        TagBitFlip,
        KindBitFlip,
        Replay,
        Swap,
        Truncated,
    }

    [Theory]
    [InlineData(Tampering.BodyBitFlip)]
    [InlineData(Tampering.TagBitFlip)]
    [InlineData(Tampering.KindBitFlip)]
    [InlineData(Tampering.Replay)]
    [InlineData(Tampering.Swap)]
    [InlineData(Tampering.Truncated)]
    public async Task ReadLoop_TamperedFrame_DisconnectsAndDeliversNothingOfIt(Tampering tampering)
    {
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        try
        {
            var (raw, session) = await HandshakeAsync(m, TestSupport.KeyB);
            await using var _ = raw;
            using var __ = session;
            await m.NextAsync<PeerConnectedEvent>();
            var good = session.Sender.Seal(FrameKind.Data, "good"u8);
            var second = session.Sender.Seal(FrameKind.Data, "second"u8);
            var third = session.Sender.Seal(FrameKind.Data, "third"u8);
            await raw.WriteAsync(good);
            Assert.Equal("good"u8.ToArray(), (await m.NextAsync<PayloadReceivedEvent>()).Payload.ToArray());

            byte[] bad = tampering switch
            {
                Tampering.BodyBitFlip => Flip(second, 6),
                Tampering.TagBitFlip => Flip(second, second.Length - 1),
                Tampering.KindBitFlip => Flip(second, 4),
                Tampering.Replay => good,
                Tampering.Swap => [.. third, .. second],
                Tampering.Truncated => [.. FrameWriter.Encode(second.AsSpan(4, second.Length - 5))],
                _ => throw new ArgumentOutOfRangeException(nameof(tampering)),
            };
            await raw.WriteAsync(bad);

            var next = await m.Events.ReadAsync().AsTask().WaitAsync(TestSupport.Timeout);
            var disconnected = Assert.IsType<PeerDisconnectedEvent>(next);
            Assert.Contains("authentication", disconnected.Reason, StringComparison.Ordinal);
            Assert.True(await raw.ClosedByPeerAsync());
            Assert.Empty(m.Peers);
        }
        finally
        {
            await m.StopAsync();
        }

        static byte[] Flip(byte[] frame, int index)
        {
            var copy = (byte[])frame.Clone();
            copy[index] ^= 0x01;
            return copy;
        }
    }

    [Fact]
    public async Task ReadLoop_OversizedLength_Disconnects()
    {
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        try
        {
            var (raw, session) = await HandshakeAsync(m, TestSupport.KeyB);
            await using var _ = raw;
            using var __ = session;
            await m.NextAsync<PeerConnectedEvent>();

            await raw.WriteAsync([0x7f, 0xff, 0xff, 0xff]);

            var disconnected = await m.NextAsync<PeerDisconnectedEvent>();
            Assert.Contains("exceeds", disconnected.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await m.StopAsync();
        }
    }

    [Fact]
    public async Task Keepalive_PeerSilentAfterHandshake_DisconnectedAtIdleTimeout()
    {
        var m = await TestSupport.StartManagerAsync(TestSupport.KeyA, o =>
        {
            o.IdleTimeout = TimeSpan.FromMilliseconds(400);
            o.PingInterval = TimeSpan.FromMilliseconds(100);
        });
        try
        {
            var (raw, session) = await HandshakeAsync(m, TestSupport.KeyB);
            await using var _ = raw;
            using var __ = session;
            await m.NextAsync<PeerConnectedEvent>();

            var disconnected = await m.NextAsync<PeerDisconnectedEvent>();

            Assert.Equal(PeerConnection.IdleReason, disconnected.Reason);
        }
        finally
        {
            await m.StopAsync();
        }
    }

    [Fact]
    public async Task Keepalive_BothNodesIdle_StayConnectedThroughPings()
    {
        // One fake clock for both: the idle timeout is judged on it, so only the pings, not the machine's speed, can
        // keep the connection alive. It advances a ping interval at a time, and only after each side heard from the
        // other since the last step (a ping or a pong), until twice the idle timeout has passed.
        var clock = new FakeTimeProvider();
        var idle = TimeSpan.FromSeconds(3);
        var pingInterval = TimeSpan.FromMilliseconds(150);
        void Configure(PeerManagerOptions o)
        {
            o.IdleTimeout = idle;
            o.PingInterval = pingInterval;
        }

        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA, Configure, time: clock);
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB, Configure, time: clock);
        try
        {
            var aToB = await a.ConnectAsync("127.0.0.1", b.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout);
            var bToA = (await b.NextAsync<PeerConnectedEvent>()).Peer;

            for (var elapsed = TimeSpan.Zero; elapsed < 2 * idle; elapsed += pingInterval)
            {
                var (heardByA, heardByB) = (aToB.FramesReceived, bToA.FramesReceived);
                clock.Advance(pingInterval);
                await Protocol.WaitUntil.Async(
                    () => (aToB.FramesReceived > heardByA && bToA.FramesReceived > heardByB) || !aToB.IsConnected || !bToA.IsConnected,
                    $"a ping or pong each way after {elapsed + pingInterval} of fake time");
                Assert.True(aToB.IsConnected && bToA.IsConnected, $"closed after {elapsed + pingInterval} of fake time: {aToB.DisconnectReason ?? bToA.DisconnectReason}");
            }

            Assert.Single(a.Peers);
            Assert.Single(b.Peers);
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Fact]
    public async Task Neighbour_ListenerComesBack_IsRedialled()
    {
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB);
        var port = b.LocalEndPoint!.Port;
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA, o => o.Neighbours = [$"127.0.0.1:{port}@{TestSupport.KeyB.NodeId}"]);
        try
        {
            var first = (await a.NextAsync<PeerConnectedEvent>()).Peer;
            Assert.Equal(b.NodeId, first.NodeId);
            Assert.False(first.IsInbound);

            await b.StopAsync();
            await a.NextAsync<PeerDisconnectedEvent>();
            await Task.Delay(300); // some redials fail meanwhile

            b = await TestSupport.StartManagerAsync(TestSupport.KeyB, o => o.ListenPort = port);
            var second = (await a.NextAsync<PeerConnectedEvent>()).Peer;

            Assert.Equal(b.NodeId, second.NodeId);
            Assert.NotSame(first, second);
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Fact]
    public async Task Hello_CarryingTheNonceOfAFinishedHandshake_IsAnOrdinaryPeer()
    {
        // PROTOCOL.md 4.2 rule 8: only the nonces of a node's handshakes still in progress are its own. A reaches B
        // through a relay that reads A's hello (and its nonce) on the way; once that handshake has finished, a hello
        // from C carrying the same nonce is an ordinary peer. A node that kept the nonces of finished connections
        // would refuse C as "self-connection".
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA);
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB);
        using var relay = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        relay.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        relay.Listen(1);
        try
        {
            var dial = a.ConnectAsync("127.0.0.1", ((IPEndPoint)relay.LocalEndPoint!).Port);
            await using var fromA = RawPeer.Over(await relay.AcceptAsync().WaitAsync(TestSupport.Timeout));
            var hello = await FrameReader.ReadFrameAsync(fromA.Input, PeerHandshake.MaxHandshakeFrameSize, CancellationToken.None).AsTask().WaitAsync(TestSupport.Timeout);
            using var helloJson = System.Text.Json.JsonDocument.Parse(hello);
            var nonce = Convert.FromBase64String(helloJson.RootElement.GetProperty("nonce").GetString()!);

            await using var toB = await RawPeer.ConnectAsync(b.LocalEndPoint!);
            await toB.Stream.WriteAsync(FrameWriter.Encode(hello, PeerHandshake.MaxHandshakeFrameSize));
            _ = fromA.Input.CopyToAsync(toB.Stream);
            _ = toB.Input.CopyToAsync(fromA.Stream);
            var toBPeer = await dial.WaitAsync(TestSupport.Timeout);
            Assert.Equal(TestSupport.KeyB.NodeId, toBPeer.NodeId);

            await using var c = await RawPeer.ConnectAsync(a.LocalEndPoint!);
            var settings = TestSupport.Settings(TestSupport.KeyC);
            var withAsNonce = new HandshakeSettings
            {
                NodeKey = settings.NodeKey,
                Network = settings.Network,
                ListenPort = settings.ListenPort,
                Status = settings.Status,
                UserAgent = settings.UserAgent,
                Nonce = nonce,
            };
            using var timeout = new CancellationTokenSource(TestSupport.Timeout);
            var session = await PeerHandshake.RunAsync(c.Input, c.Output, withAsNonce, isInitiator: true, a.NodeId, timeout.Token);

            Assert.Equal(a.NodeId, session.Peer.NodeId);
            Assert.Equal(TestSupport.KeyB.NodeId, (await a.NextAsync<PeerConnectedEvent>()).Peer.NodeId);
            Assert.Equal(TestSupport.KeyC.NodeId, (await a.NextAsync<PeerConnectedEvent>()).Peer.NodeId);
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Theory]
    [InlineData("connection to self")]
    [InlineData(DisconnectCode.SelfConnection)]
    public async Task Neighbour_PeerRefusesAsSelfConnection_IsStillRedialled(string forgedReason)
    {
        // A listener that answers every hello with a plaintext refusal claiming we reached ourselves.
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(8);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var refusal = FrameWriter.Encode(System.Text.Encoding.UTF8.GetBytes($"{{\"type\":\"disconnect\",\"reason\":\"{forgedReason}\"}}"), PeerHandshake.MaxHandshakeFrameSize);
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA, o => o.Neighbours = [$"127.0.0.1:{port}@{TestSupport.KeyB.NodeId}"]);
        try
        {
            // Three dials prove the first refusal did not end redialling (the old code stopped after one).
            for (var dial = 0; dial < 3; dial++)
            {
                await using var raw = RawPeer.Over(await listener.AcceptAsync().WaitAsync(TestSupport.Timeout));
                await FrameReader.ReadFrameAsync(raw.Input, PeerHandshake.MaxHandshakeFrameSize, CancellationToken.None).AsTask().WaitAsync(TestSupport.Timeout);
                await raw.WriteAsync(refusal);
            }
        }
        finally
        {
            await a.StopAsync();
        }
    }

    [Fact]
    public async Task Send_PeerStopsReading_IsDisconnectedAsTooSlow()
    {
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA, o =>
        {
            o.SendQueueCapacity = 4;
            o.MaxQueuedBytes = FrameCipher.MaxPayloadSize;
        });

        // B's events are never read once connected, so its read loop stalls and the TCP window fills.
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB, o => o.EventQueueCapacity = 1);
        try
        {
            var toB = await a.ConnectAsync("127.0.0.1", b.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout);
            await a.NextAsync<PeerConnectedEvent>();
            var payload = new byte[1024 * 1024];
            var sent = 0;
            while (sent < 1000 && toB.TrySend(payload))
            {
                sent++;
                await Task.Delay(2);
            }

            Assert.True(sent < 1000, "the slow peer was never disconnected");
            var disconnected = await a.NextAsync<PeerDisconnectedEvent>();
            Assert.Equal(PeerConnection.SlowPeerReason, disconnected.Reason);
            Assert.False(a.Send(b.NodeId, payload));
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Fact]
    public async Task Send_PeerReadsSteadily_StaysConnected()
    {
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA, o => o.SendQueueCapacity = 64);
        var b = await TestSupport.StartManagerAsync(TestSupport.KeyB);
        try
        {
            var toB = await a.ConnectAsync("127.0.0.1", b.LocalEndPoint!.Port).WaitAsync(TestSupport.Timeout);
            var payload = new byte[64 * 1024];
            for (var i = 0; i < 50; i++)
            {
                Assert.True(toB.TrySend(payload));
            }

            for (var i = 0; i < 50; i++)
            {
                Assert.Equal(payload.Length, (await b.NextAsync<PayloadReceivedEvent>()).Payload.Length);
            }

            Assert.True(toB.IsConnected);
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
        }
    }

    [Fact]
    public async Task StopAsync_Always_CompletesTheEvents()
    {
        var a = await TestSupport.StartManagerAsync(TestSupport.KeyA);

        await a.StopAsync();

        Assert.True(a.Events.Completion.IsCompleted);
    }

    [Fact]
    public void Constructor_BadOptions_NamesTheSetting()
    {
        var options = TestSupport.Options(o => o.Neighbours = ["nowhere"]);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => new PeerManager(options, TestSupport.KeyA, TestSupport.Network, new TestSupport.FixedStatus(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

        Assert.Contains(nameof(PeerManagerOptions.Neighbours), error.Message, StringComparison.Ordinal);
    }
}
