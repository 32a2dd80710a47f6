using System.Diagnostics;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Processes;

namespace Plexus.Lab.Runtime;

/// <summary>
/// Command lines that run inside a named network namespace: <c>nsenter --net=/run/netns/NAME -- CMD…</c>. Unlike
/// <c>ip netns exec</c>, nsenter keeps the mount namespace, so <c>/sys/fs/bpf</c> stays visible. The command's
/// PATH has Plexus's <c>bin/</c> first.
/// </summary>
public static class NetnsCommand
{
    /// <summary>The full argument vector: nsenter, its options, then <paramref name="command"/>.</summary>
    public static IReadOnlyList<string> Argv(string netns, IEnumerable<string> command) =>
        [Nsenter(), $"--net={NetNs.PathOf(netns)}", "--", .. command];

    /// <summary>A start info running <paramref name="command"/> in <paramref name="netns"/>, stdio inherited unless the caller redirects it.</summary>
    public static ProcessStartInfo StartInfo(string netns, IEnumerable<string> command)
    {
        var argv = Argv(netns, command);
        var info = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["PATH"] = Binaries.SearchPath();
        return info;
    }

    private static string Nsenter() =>
        Binaries.FindOnPath("nsenter") ?? throw new LabException("nsenter is not installed (Debian package util-linux)");
}
