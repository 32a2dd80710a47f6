using System.Net;
using System.Net.Sockets;
using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>Ending a TCP socket of another namespace from outside (SOCK_DESTROY), as the agent does for connections to removed backends.</summary>
[Trait("Category", "Privileged")]
public sealed class SockDiagTests : IDisposable
{
    private readonly TestNetns _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task Destroying_a_waiting_client_socket_aborts_it_and_resets_its_peer()
    {
        using var listener = _ns.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = _ns.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();
        using var bystander = _ns.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        await bystander.ConnectAsync(listener.LocalEndPoint!);
        using var bystanderServer = await listener.AcceptAsync();

        // The client waits for data with nothing in flight: no packet of its own would ever end it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var waiting = client.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token).AsTask();
        using var diag = _ns.Run(() => new SockDiag());
        Assert.True(diag.DestroyTcp((IPEndPoint)client.LocalEndPoint!, (IPEndPoint)client.RemoteEndPoint!));

        var aborted = await Assert.ThrowsAsync<SocketException>(() => waiting);
        Assert.Equal(SocketError.ConnectionAborted, aborted.SocketErrorCode);
        var reset = await Assert.ThrowsAsync<SocketException>(async () => await server.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token));
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);

        // Only that socket: the other connection still carries data.
        await bystander.SendAsync("ping"u8.ToArray(), SocketFlags.None);
        var buffer = new byte[4];
        Assert.Equal(4, await bystanderServer.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        Assert.False(diag.DestroyTcp((IPEndPoint)client.LocalEndPoint!, (IPEndPoint)server.LocalEndPoint!));
    }

    [Fact]
    public void Destroying_a_socket_that_does_not_exist_answers_false()
    {
        using var diag = _ns.Run(() => new SockDiag());

        Assert.False(diag.DestroyTcp(new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 80)));
        Assert.Throws<ArgumentException>(() => diag.DestroyTcp(new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.IPv6Loopback, 80)));
    }
}
