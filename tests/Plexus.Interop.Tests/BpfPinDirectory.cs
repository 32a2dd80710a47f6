using Plexus.Interop.Bpf;

namespace Plexus.Interop.Tests;

/// <summary>A unique bpffs directory <c>/sys/fs/bpf/plxt-&lt;random&gt;</c> for one test's pins, removed with everything in it on Dispose.</summary>
public sealed class BpfPinDirectory : IDisposable
{
    /// <summary>Mounts bpffs if needed and creates the directory.</summary>
    public BpfPinDirectory()
    {
        BpfFs.EnsureMounted();
        Path = $"{BpfFs.DefaultPath}/plxt-{Guid.NewGuid():N}"[..(BpfFs.DefaultPath.Length + 6 + 12)];
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory path.</summary>
    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string File(string name) => $"{Path}/{name}";

    /// <summary>Runs a test fixture's setup; if it throws, removes the directory first (xunit skips Dispose when a constructor fails).</summary>
    public T Guard<T>(Func<BpfPinDirectory, T> setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        try
        {
            return setup(this);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Unlinks every pin and removes the directory.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
