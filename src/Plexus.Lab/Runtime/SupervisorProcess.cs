using System.Diagnostics;
using System.Globalization;
using Plexus.Lab.Processes;

namespace Plexus.Lab.Runtime;

/// <summary>
/// The detached <c>plexus lab supervise NAME</c> process of a lab: started by <c>lab up</c> in its own session so it
/// outlives the CLI, found again through /proc by its command line (also when its state directory is gone).
/// </summary>
public static class SupervisorProcess
{
    private const string Verb = "supervise";

    /// <summary>The arguments of the supervisor of <paramref name="lab"/> after the program name.</summary>
    public static IReadOnlyList<string> Arguments(string lab) => ["lab", Verb, lab];

    /// <summary>Pids of running supervisors of <paramref name="lab"/> (normally zero or one).</summary>
    public static IReadOnlyList<int> Find(string lab) =>
        [.. ProcessTable.Matching(cmd => Lab(cmd) == lab).Select(p => p.Pid)];

    /// <summary>Names of the labs that have a running supervisor.</summary>
    public static IReadOnlyList<string> Labs() =>
        [.. ProcessTable.Matching(cmd => Lab(cmd) is not null).Select(p => Lab(p.Command)!).Distinct()];

    /// <summary>
    /// Starts the supervisor of <paramref name="lab"/> detached (<c>setsid</c>, stdio on its log file and /dev/null,
    /// working directory /) and returns its pid.
    /// </summary>
    public static int StartDetached(LabInstance lab)
    {
        var plexus = Binaries.FindPlexus("plexus") ?? Environment.ProcessPath ?? throw new LabException("bin/plexus not found: run ./build.sh build");
        Directory.CreateDirectory(lab.Paths.Logs);
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, WorkingDirectory = "/" };
        foreach (var arg in (string[])["-c", "setsid \"$0\" \"$@\" >>\"$LOG\" 2>&1 </dev/null & echo $!", plexus, .. Arguments(lab.Name)])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["LOG"] = lab.Paths.SupervisorLog;
        info.Environment["PATH"] = Binaries.SearchPath();
        using var shell = Process.Start(info) ?? throw new LabException("could not start /bin/sh");
        var output = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();
        return int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new LabException($"could not start the supervisor of lab {lab.Name}: {output.Trim()}");
    }

    /// <summary>Stops every supervisor of <paramref name="lab"/>: SIGTERM (it stops its services), SIGKILL after <paramref name="grace"/>.</summary>
    public static async Task<IReadOnlyList<int>> StopAsync(string lab, TimeSpan grace)
    {
        var pids = Find(lab);
        await Task.WhenAll(pids.Select(pid => ProcessTable.TerminateAsync(pid, grace))).ConfigureAwait(false);
        return pids;
    }

    private static string? Lab(IReadOnlyList<string> cmd) =>
        cmd.Count >= 4 && cmd[^3] == "lab" && cmd[^2] == Verb && Path.GetFileName(cmd[0]) is "plexus" or "plexus.dll" or "dotnet" ? cmd[^1] : null;
}
