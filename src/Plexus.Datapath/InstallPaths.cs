namespace Plexus.Datapath;

/// <summary>Where Plexus's build outputs are: the repository checkout, and the compiled eBPF objects.</summary>
public static class InstallPaths
{
    /// <summary>The Plexus repository holding the running binaries (the folder with <c>Plexus.slnx</c>); null when installed elsewhere.</summary>
    public static string? RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Plexus.slnx")))
            {
                return d.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// The directory of the compiled eBPF objects: <c>$PLEXUS_BPF_DIR</c>, else <c>bpf/</c> beside the binaries,
    /// else <c>artifacts/bpf</c> of the repository.
    /// </summary>
    public static string BpfDirectory()
    {
        if (Environment.GetEnvironmentVariable("PLEXUS_BPF_DIR") is { Length: > 0 } dir)
        {
            return dir;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, "bpf");
        if (Directory.Exists(beside))
        {
            return beside;
        }

        return RepositoryRoot() is { } root
            ? Path.Combine(root, "artifacts", "bpf")
            : throw new DirectoryNotFoundException("compiled eBPF objects not found: set PLEXUS_BPF_DIR");
    }

    /// <summary>The path of one compiled object, e.g. <c>bpf_lxc.o</c>.</summary>
    public static string BpfObject(string fileName) => Path.Combine(BpfDirectory(), fileName);
}
