using Plexus.Datapath;

namespace Plexus.Lab.Processes;

/// <summary>Locates Plexus's own binaries (<c>bin/plexus-agent</c>, …) and system tools.</summary>
public static class Binaries
{
    /// <summary>
    /// Finds a Plexus binary: <c>$PLEXUS_BIN/name</c>, then <c>bin/name</c> in the repository that holds the running
    /// assembly, then the PATH. Null when none exists.
    /// </summary>
    public static string? FindPlexus(string name)
    {
        if (Environment.GetEnvironmentVariable("PLEXUS_BIN") is { Length: > 0 } dir && File.Exists(Path.Combine(dir, name)))
        {
            return Path.Combine(dir, name);
        }

        if (RepositoryRoot() is { } root && File.Exists(Path.Combine(root, "bin", name)))
        {
            return Path.Combine(root, "bin", name);
        }

        return FindOnPath(name);
    }

    /// <summary>The directory of Plexus's own binaries: <c>$PLEXUS_BIN</c>, else the repository's <c>bin/</c>; null when neither exists.</summary>
    public static string? BinDirectory() =>
        Environment.GetEnvironmentVariable("PLEXUS_BIN") is { Length: > 0 } dir && Directory.Exists(dir) ? dir
        : RepositoryRoot() is { } root && Directory.Exists(Path.Combine(root, "bin")) ? Path.Combine(root, "bin")
        : null;

    /// <summary>The PATH for commands the lab runs: <see cref="BinDirectory"/> first, then the current PATH.</summary>
    public static string SearchPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } p ? p : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return BinDirectory() is { } bin ? $"{bin}:{path}" : path;
    }

    /// <summary>The Plexus repository holding the running binaries; null when installed elsewhere.</summary>
    public static string? RepositoryRoot() => InstallPaths.RepositoryRoot();

    /// <summary>Finds an executable on the PATH (and in /usr/sbin, /sbin); null when absent.</summary>
    public static string? FindOnPath(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin:/usr/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
    }
}
