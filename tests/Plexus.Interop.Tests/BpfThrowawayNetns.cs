using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Plexus.Interop.Tests;

/// <summary>A named network namespace <c>plxb-&lt;random&gt;</c> made with <c>ip netns add</c>, with a way to run code on a thread inside it.</summary>
internal sealed class BpfThrowawayNetns : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    public BpfThrowawayNetns()
    {
        Name = $"plxb-{Guid.NewGuid():N}"[..13];
        BpfShell.Run("ip", "netns", "add", Name);
    }

    /// <summary>The namespace name under /run/netns.</summary>
    public string Name { get; }

    /// <summary>Runs <c>ip -n &lt;name&gt; …</c>.</summary>
    public string Ip(params string[] arguments) => BpfShell.Run("ip", ["-n", Name, .. arguments]);

    /// <summary>Runs <c>tc -n &lt;name&gt; …</c>.</summary>
    public string Tc(params string[] arguments) => BpfShell.Run("tc", ["-n", Name, .. arguments]);

    /// <summary>The ifindex of <paramref name="device"/> inside the namespace.</summary>
    public int IfIndex(string device)
    {
        using var json = JsonDocument.Parse(Ip("-j", "link", "show", "dev", device));
        return json.RootElement[0].GetProperty("ifindex").GetInt32();
    }

    /// <summary>Runs <paramref name="action"/> on a new thread switched into the namespace (setns), then switches it back.</summary>
    public T Invoke<T>(Func<T> action)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle($"/run/netns/{Name}");
                Enter(target);
                try
                {
                    result = action();
                }
                finally
                {
                    Enter(home);
                }
            }
#pragma warning disable CA1031 // rethrown on the calling thread
            catch (Exception e)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Deletes the namespace (and the devices in it).</summary>
    public void Dispose() => BpfShell.Run("ip", "netns", "delete", Name);

    private static void Enter(SafeHandle ns)
    {
        if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport: the test project does not enable unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nsType);
#pragma warning restore SYSLIB1054
}
