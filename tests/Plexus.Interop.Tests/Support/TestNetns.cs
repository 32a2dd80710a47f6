using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;

namespace Plexus.Interop.Tests.Support;

/// <summary>A throwaway named network namespace (<c>plxt-</c> + random suffix) with lo up and an rtnetlink client inside; deleted on Dispose.</summary>
public sealed class TestNetns : IDisposable
{
    /// <summary>Prefix of every namespace the tests create, so leftovers are easy to spot.</summary>
    public const string Prefix = "plxt-";

    /// <summary>Creates the namespace; if setting it up fails, it is deleted before the exception escapes.</summary>
    public TestNetns()
    {
        Name = NewName();
        NetNs.Create(Name);
        try
        {
            Handle = NetNs.Open(Name);
            Netlink = RtNetlink.InNamespace(Handle);
            Netlink.SetUp("lo");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The namespace name under /run/netns.</summary>
    public string Name { get; }

    /// <summary>An fd for the namespace.</summary>
    public NetNsHandle Handle { get; } = null!;

    /// <summary>An rtnetlink client bound to the namespace.</summary>
    public RtNetlink Netlink { get; } = null!;

    /// <summary>A fresh unique namespace name.</summary>
    public static string NewName() => Prefix + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Runs <paramref name="action"/> inside the namespace.</summary>
    public T Run<T>(Func<T> action) => NetNs.Run(Handle, action);

    /// <summary>Closes the client and the fd (both pin the namespace), then removes the name.</summary>
    public void Dispose()
    {
        Netlink?.Dispose();
        Handle?.Dispose();
        NetNs.Delete(Name);
    }
}
