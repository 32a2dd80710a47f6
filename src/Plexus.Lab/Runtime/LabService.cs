using System.Diagnostics;
using Plexus.Lab.Processes;

namespace Plexus.Lab.Runtime;

/// <summary>What a supervised lab process is.</summary>
public enum LabServiceKind
{
    /// <summary>A cluster's etcd member, in the fabric namespace.</summary>
    Etcd,

    /// <summary>A node's <c>plexus-agent</c>, in the node's namespace.</summary>
    Agent,

    /// <summary><c>plexus-probe serve</c> in a pod's or an external host's namespace.</summary>
    Probe,
}

/// <summary>
/// One long-running process of a lab: the command it runs inside which namespace. Once running, its command line
/// (as <c>/proc/PID/cmdline</c> shows it) is exactly <see cref="Command"/>, which is how a new supervisor finds and
/// adopts the processes an earlier one started.
/// </summary>
/// <param name="Id">Unique within the lab; names the log file (<c>etcd-c1</c>, <c>agent-c1-n1</c>, <c>probe-c1-x-a</c>, <c>probe-ext-world1</c>).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Title">How logs and progress name it (<c>etcd c1</c>, <c>agent c1/n1</c>, <c>probe x/a</c>).</param>
/// <param name="Netns">The namespace it runs in.</param>
/// <param name="Command">Binary and arguments.</param>
/// <param name="Node">The node, for agents.</param>
/// <param name="Ports">For probe servers: the ports (<c>80/tcp</c>…) open once it serves.</param>
public sealed record LabService(
    string Id, LabServiceKind Kind, string Title, string Netns, IReadOnlyList<string> Command, LabNode? Node = null, IReadOnlyList<string>? Ports = null)
{
    // Appends stdout and stderr to the log file given as $1, then execs the rest: the pid stays the service's own.
    private const string LogThenExec = "exec >>\"$1\" 2>&1 </dev/null; shift; exec \"$@\"";

    /// <summary>
    /// A start info that runs the service in its namespace with output appended to <paramref name="logFile"/> (no
    /// pipes to the supervisor, so the service outlives it unharmed).
    /// </summary>
    public ProcessStartInfo StartInfo(string logFile)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var arg in (string[])["-c", LogThenExec, "sh", logFile, .. NetnsCommand.Argv(Netns, Command)])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PATH"] = Binaries.SearchPath();
        if (Kind == LabServiceKind.Etcd)
        {
            EtcdCommand.PrepareEnvironment(info.Environment);
        }

        return info;
    }
}
