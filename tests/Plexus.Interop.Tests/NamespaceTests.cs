using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;
using Plexus.Interop.Tests.Support;

namespace Plexus.Interop.Tests;

/// <summary>Named network namespaces are created, entered and removed like <c>ip netns</c> does, leaving nothing behind.</summary>
[Trait("Category", "Privileged")]
public sealed class NamespaceTests
{
    [Fact]
    public void Create_list_and_delete_leave_nothing_behind()
    {
        var name = TestNetns.NewName();
        try
        {
            NetNs.Create(name);

            Assert.True(NetNs.Exists(name));
            Assert.Contains(name, NetNs.List());
            Assert.Contains($"{NetNs.RunDirectory}/{name}", File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
            Assert.Contains(name, Probe.Ip("netns", "list"), StringComparison.Ordinal);
        }
        finally
        {
            Assert.True(NetNs.Delete(name));
        }

        Assert.False(NetNs.Exists(name));
        Assert.DoesNotContain(name, NetNs.List());
        Assert.DoesNotContain($"{NetNs.RunDirectory}/{name}", File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.False(NetNs.Delete(name));
    }

    [Fact]
    public void Creating_an_existing_namespace_fails_with_EEXIST_and_opening_a_missing_one_with_ENOENT()
    {
        using var ns = new TestNetns();

        Assert.Equal("EEXIST", Assert.Throws<NamespaceException>(() => NetNs.Create(ns.Name)).ErrnoName);
        Assert.True(NetNs.Exists(ns.Name));
        var missing = TestNetns.NewName();
        Assert.Equal("ENOENT", Assert.Throws<NamespaceException>(() => NetNs.Open(missing)).ErrnoName);
        Assert.Throws<ArgumentException>(() => NetNs.Create("../escape"));
    }

    [Fact]
    public void Run_executes_on_a_dedicated_thread_inside_the_namespace_and_leaves_the_caller_where_it_was()
    {
        using var ns = new TestNetns();
        var callerNamespace = NamespaceInode();
        var callerThread = Environment.CurrentManagedThreadId;

        var (inside, thread, pool, links) = ns.Run(() =>
        {
            using var netlink = new RtNetlink();
            return (NamespaceInode(), Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread, netlink.ListLinks());
        });

        Assert.NotEqual(callerNamespace, inside);
        Assert.NotEqual(callerThread, thread);
        Assert.False(pool);
        Assert.Equal("lo", Assert.Single(links).Name);
        Assert.Equal(callerNamespace, NamespaceInode());
        using var opened = NetNs.Open(ns.Name);
        Assert.Equal(inside, NetNs.Run(opened, NamespaceInode));
        using var current = NetNs.OpenCurrent();
        Assert.Equal(callerNamespace, NetNs.Run(current, NamespaceInode));
    }

    [Fact]
    public async Task RunAsync_returns_the_result_and_exceptions_propagate_from_Run()
    {
        using var ns = new TestNetns();

        var inode = await NetNs.RunAsync(ns.Handle, NamespaceInode);
        Assert.NotEqual(NamespaceInode(), inode);
        await NetNs.RunAsync(ns.Handle, () => Assert.NotEqual(NamespaceInode(), inode + "x"));

        var error = Assert.Throws<InvalidOperationException>(() => NetNs.Run<int>(ns.Handle, () => throw new InvalidOperationException("boom")));
        Assert.Equal("boom", error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => NetNs.RunAsync<int>(ns.Handle, () => throw new InvalidOperationException("boom")));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NetNs.RunAsync(ns.Handle, NamespaceInode, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Threads_woken_by_RunAsync_stay_in_the_callers_namespace()
    {
        // Linux copies a thread's namespaces into threads it creates; completing RunAsync wakes (and may create) pool
        // or xunit threads, so the dedicated thread must be back home before it signals.
        using var ns = new TestNetns();
        var home = NamespaceInode();

        for (var i = 0; i < 100; i++)
        {
            var inside = await NetNs.RunAsync(ns.Handle, NamespaceInode);
            Assert.NotEqual(home, inside);
            Assert.Equal(home, NamespaceInode());
        }

        var pool = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(NamespaceInode)));
        Assert.All(pool, inode => Assert.Equal(home, inode));
    }

    [Fact]
    public void Sysctl_writes_inside_one_namespace_are_invisible_in_another()
    {
        using var a = new TestNetns();
        using var b = new TestNetns();
        var before = b.Run(() => Sysctl.Read("net.ipv4.ip_forward"));
        var flipped = before == "1" ? "0" : "1";

        a.Run(() =>
        {
            Sysctl.Write("net.ipv4.ip_forward", flipped);
            Sysctl.Write("net/ipv4/conf/all/rp_filter", "2");
            Sysctl.Write("/proc/sys/net/ipv4/conf/lo/accept_local", "1");
            return true;
        });

        Assert.Equal(flipped, a.Run(() => Sysctl.Read("net.ipv4.ip_forward")));
        Assert.Equal("2", a.Run(() => Sysctl.Read("net.ipv4.conf.all.rp_filter")));
        Assert.Equal("1", a.Run(() => Sysctl.Read("net.ipv4.conf.lo.accept_local")));
        Assert.Equal(before, b.Run(() => Sysctl.Read("net.ipv4.ip_forward")));
        Assert.Equal("0", b.Run(() => Sysctl.Read("net.ipv4.conf.lo.accept_local")));
    }

    [Fact]
    public void Deleting_a_namespace_removes_the_devices_in_it()
    {
        string name;
        int peerIndex;
        using (var outer = new TestNetns())
        {
            using (var inner = new TestNetns())
            {
                name = inner.Name;
                outer.Netlink.CreateVeth("gone0", "gone0p", peerNamespace: inner.Handle);
                peerIndex = outer.Netlink.GetLink("gone0")!.Index;
            }

            Assert.DoesNotContain(name, NetNs.List());
            Probe.WaitUntil(() => outer.Netlink.GetLink(peerIndex) is null, TimeSpan.FromSeconds(10), "veth torn down with its peer's namespace");
        }
    }

    private static string NamespaceInode() => new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? string.Empty;
}
