using System.Globalization;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Posix;
using Plexus.Lab.Topology;

namespace Plexus.Lab.Runtime;

/// <summary>What <c>/proc</c> says about processes: command lines, liveness, and stopping them by pid.</summary>
public static class ProcessTable
{
    /// <summary>The argument vector of <paramref name="pid"/>; null when the process is gone or a kernel thread.</summary>
    public static IReadOnlyList<string>? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return raw.Length == 0 ? null : raw.TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var state = stat.LastIndexOf(')') is var end and > 0 && end + 2 < stat.Length ? stat[end + 2] : '?';
            return state is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The process inside namespace <paramref name="netns"/> that runs <paramref name="argv"/>: the same arguments
    /// exactly, and a program of the same file name (<c>/bin/etcd</c> and <c>/usr/bin/etcd</c> are one program).
    /// </summary>
    public static int? Find(string netns, IReadOnlyList<string> argv) =>
        NamespaceProcesses.List(NetNs.PathOf(netns))
            .Where(pid => IsAlive(pid) && CommandLine(pid) is { } cmd && cmd.Count == argv.Count
                && Path.GetFileName(cmd[0]) == Path.GetFileName(argv[0]) && cmd.Skip(1).SequenceEqual(argv.Skip(1), StringComparer.Ordinal))
            .Select(pid => (int?)pid)
            .FirstOrDefault();

    /// <summary>Every live process (but this one) whose command line satisfies <paramref name="match"/>, with that command line.</summary>
    public static IReadOnlyList<(int Pid, IReadOnlyList<string> Command)> Matching(Func<IReadOnlyList<string>, bool> match)
    {
        var found = new List<(int, IReadOnlyList<string>)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId
                && CommandLine(pid) is { } cmd && match(cmd) && IsAlive(pid))
            {
                found.Add((pid, cmd));
            }
        }

        return found;
    }

    /// <summary>
    /// Sends SIGTERM to <paramref name="pid"/> and waits up to <paramref name="grace"/> for it to go, then SIGKILLs it
    /// and waits up to 5 s more. Returns true when it ended within the grace period.
    /// </summary>
    public static async Task<bool> TerminateAsync(int pid, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (!Signals.Send(pid, Signals.SigTerm))
        {
            return true;
        }

        if (await WaitForExitAsync(pid, grace, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        Signals.Send(pid, Signals.SigKill);
        await WaitForExitAsync(pid, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Polls until <paramref name="pid"/> is gone; false when it still runs after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
