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
