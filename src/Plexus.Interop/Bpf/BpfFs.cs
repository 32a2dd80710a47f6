using System.Runtime.InteropServices;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>The BPF filesystem, where maps and programs are pinned to outlive the agent process.</summary>
public static unsafe class BpfFs
{
    /// <summary>The conventional bpffs mount point.</summary>
    public const string DefaultPath = "/sys/fs/bpf";

    /// <summary>True when <paramref name="path"/> is on a bpffs mount; false when it is not (or does not exist).</summary>
    public static bool IsMounted(string path = DefaultPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var buffer = stackalloc long[32]; // struct statfs is 120 bytes on 64-bit Linux; f_type comes first
        if (Libc.StatFs(path, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == BpfErrors.ENOENT ? false : throw new BpfException($"statfs({path})", errno);
        }

        return buffer[0] == Libc.BpfFsMagic;
    }

    /// <summary>Mounts bpffs at <paramref name="path"/> (creating the directory) unless it is already there; true when this call mounted it.</summary>
    public static bool EnsureMounted(string path = DefaultPath)
    {
        if (IsMounted(path))
        {
            return false;
        }

        Directory.CreateDirectory(path);
        if (Libc.Mount("bpf", path, "bpf", 0, null) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // Another process may have mounted it between our check and our mount.
            return errno == BpfErrors.EBUSY && IsMounted(path) ? false : throw new BpfException($"mount(bpf, {path})", errno);
        }

        return true;
    }
}
