using Plexus.Interop.Namespaces;
using Plexus.Interop.Posix;

namespace Plexus.Lab.Topology;

/// <summary>Finds and ends the processes living in a network namespace (what <c>ip netns pids</c> does).</summary>
public static class NamespaceProcesses
{
    /// <summary>Process ids whose network namespace is the one at <paramref name="netnsPath"/>.</summary>
    public static IReadOnlyList<int> List(string netnsPath)
    {
        var target = Identity(netnsPath);
        if (target is null)
        {
            return [];
        }

        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            if (Identity($"{dir}/ns/net") == target)
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    /// <summary>SIGKILLs every process in the namespace and waits (up to 5 s) until none is left.</summary>
    public static async Task KillAllAsync(string netnsPath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var pids = List(netnsPath);
            if (pids.Count == 0 || DateTime.UtcNow > deadline)
            {
                return;
            }

            foreach (var pid in pids)
            {
                Signals.Send(pid, Signals.SigKill);
            }

            await Task.Delay(20).ConfigureAwait(false); // let the kernel reap before looking again; bounded by the deadline
        }
    }

    /// <summary>The namespace's identity as the kernel names it (<c>net:[inode]</c>), or null when unreadable (process gone).</summary>
    private static string? Identity(string path)
    {
        try
        {
            if (path.StartsWith("/proc/", StringComparison.Ordinal))
            {
                return new FileInfo(path).LinkTarget;
            }

            // A bind-mounted namespace file is no link (and /proc/self/fd/N of it shows the path): enter it on a
            // throwaway thread and read that thread's own namespace link.
            using var handle = NetNs.Open(path);
            return NetNs.Run(handle, () => new FileInfo("/proc/thread-self/ns/net").LinkTarget);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NamespaceException)
        {
            return null;
        }
    }
}
