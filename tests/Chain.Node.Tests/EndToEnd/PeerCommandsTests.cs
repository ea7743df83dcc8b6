using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chain.Node.Tests.EndToEnd;

/// <summary>
/// The operator's peer commands with real node processes: <c>connect</c> remembered across restarts (peers.txt),
/// <c>disconnect</c>, <c>ban</c>/<c>unban</c>/<c>bans</c> (kept in bans.txt), and what <c>connect</c> says about a node
/// already connected or a service that is not a Chain node.
/// </summary>
public sealed class PeerCommandsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Connect_RememberedAndDialledAtRestart_DisconnectForgetsIt()
    {
        var dataA = _folder.Combine("a");
        await using var b = await NodeProcess.StartAsync("B", _folder.Combine("b"));
        await using (var a = await NodeProcess.StartAsync("A", dataA))
        {
            Assert.Equal($"connected {b.Endpoint}", await a.AskAsync($"connect {b.Endpoint}"));
            Assert.Equal($"already connected {b.Endpoint} {b.NodeId}", await a.AskAsync($"connect {b.Endpoint}"));
            Assert.Single(await a.CommandAsync("peers"));
            Assert.Equal([b.Endpoint], await File.ReadAllLinesAsync(Path.Combine(dataA, "peers.txt")));
            Assert.Equal(0, await a.QuitAsync());
        }

        // B lets go of the old connection first (else it keeps it and drops A's new one as a duplicate, until A redials).
        await NodeProcess.WaitUntilAsync(async () => (await b.CommandAsync("peers")).Count == 0, "B to see A leave", b);

        // Started without --peers: the remembered neighbour is dialled.
        await using var again = await NodeProcess.StartAsync("A", dataA);
        await NodeProcess.WaitUntilAsync(async () => (await again.CommandAsync("peers")).Any(l => l.Contains(b.NodeId, StringComparison.Ordinal)), "A to dial its remembered neighbour B", again, b);
        var disconnect = await again.CommandAsync($"disconnect {b.NodeId}");
        Assert.Equal([$"disconnected {b.Endpoint} {b.NodeId} outbound", $"forgotten {b.Endpoint}"], disconnect);
        Assert.Empty(await File.ReadAllLinesAsync(Path.Combine(dataA, "peers.txt")));
        await NodeProcess.WaitUntilAsync(async () => (await again.CommandAsync("peers")).Count == 0, "the connection to B to close", again, b);
        Assert.StartsWith("error: no peer or remembered neighbour", await again.AskAsync($"disconnect {b.NodeId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ban_DisconnectsRefusesAndIsNotDialled_KeptAcrossRestart_UnbanLetsItBackIn()
    {
        var dataA = _folder.Combine("a");
        await using var b = await NodeProcess.StartAsync("B", _folder.Combine("b"));
        await using (var a = await NodeProcess.StartAsync("A", dataA))
        {
            Assert.Equal($"connected {a.Endpoint}", await b.AskAsync($"connect {a.Endpoint}"));
            var banned = await a.AskAsync("ban 127.0.0.1 2h");
            Assert.Matches(@"^banned 127\.0\.0\.1 until=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", banned);
            Assert.Matches(@"^127\.0\.0\.1 created=\S+Z until=\S+Z$", Assert.Single(await a.CommandAsync("bans")));
            await NodeProcess.WaitUntilAsync(async () => (await a.CommandAsync("peers")).Count == 0, "the banned peer to be disconnected", a, b);

            // Not dialled, and refused at accept (the connection is reset before any handshake).
            Assert.Equal("error: could not connect to " + b.Endpoint + ": 127.0.0.1 is banned (unban it first)", await a.AskAsync($"connect {b.Endpoint}"));
            Assert.StartsWith($"error: could not connect to {a.Endpoint}", await b.AskAsync($"connect {a.Endpoint}"), StringComparison.Ordinal);
            await a.WaitForLogAsync(new System.Text.RegularExpressions.Regex(@"Inbound connection refused from 127\.0\.0\.1:\d+: banned"));
            Assert.Equal(0, await a.QuitAsync());
        }

        Assert.Single(await File.ReadAllLinesAsync(Path.Combine(dataA, "bans.txt")));
        await using var again = await NodeProcess.StartAsync("A", dataA);
        Assert.Single(await again.CommandAsync("bans"));
        Assert.StartsWith($"error: could not connect to {again.Endpoint}", await b.AskAsync($"connect {again.Endpoint}"), StringComparison.Ordinal);

        Assert.Equal("unbanned 127.0.0.1", await again.AskAsync("unban 127.0.0.1"));
        Assert.Equal("error: 127.0.0.1 is not banned (see bans)", await again.AskAsync("unban 127.0.0.1"));
        Assert.Empty(await again.CommandAsync("bans"));
        // B may have redialled A on its own by now (it remembers A): either way they are connected.
        Assert.Matches($@"^(already )?connected {System.Text.RegularExpressions.Regex.Escape(again.Endpoint)}", await b.AskAsync($"connect {again.Endpoint}"));
    }

    [Theory]
    [InlineData("ban 127.0.0.1:7070", "is not an IP address")]
    [InlineData("ban localhost", "is not an IP address")]
    [InlineData("ban 127.1", "is not an IP address")]
    [InlineData("ban 127.0.0.1 soon", "is not a duration")]
    [InlineData("ban 127.0.0.1 0", "is not a duration")]
    [InlineData("ban 127.0.0.1 1h 2", "usage: ban <address> [duration]")]
    [InlineData("unban ::1", "::1 is not banned")]
    [InlineData("disconnect", "usage: disconnect")]
    [InlineData("disconnect 127.0.0.1:1", "no peer or remembered neighbour '127.0.0.1:1'")]
    public async Task PeerCommands_BadArguments_OneErrorLine(string command, string expected)
    {
        await using var a = await NodeProcess.StartAsync("A", _folder.Combine("bad"));
        var line = await a.AskAsync(command);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ToAnHttpService_SaysNotAChainNode()
    {
        // A stand-in web server: whatever it is sent, it answers as HTTP servers answer a request they cannot read.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[1024];
            _ = await stream.ReadAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            await stream.FlushAsync();
            // Held open until the node closes it, as a keep-alive server would.
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        });

        await using var a = await NodeProcess.StartAsync("A", _folder.Combine("http"));
        var answer = await a.AskAsync($"connect 127.0.0.1:{port}");
        Assert.StartsWith($"error: could not connect to 127.0.0.1:{port}: not a Chain node", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("peers.txt", string.Join(' ', Directory.GetFiles(_folder.Combine("http"))), StringComparison.Ordinal);
        await server.WaitAsync(NodeProcess.Timeout);
    }
}
