using System.Runtime.InteropServices;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>Pinning maps in bpffs so they outlive the process (restart safety), and opening pinned maps.</summary>
public sealed unsafe partial class BpfMap
{
    /// <summary>Opens the map pinned at <paramref name="path"/> (bpf_obj_get); throws <see cref="BpfException"/> (ENOENT when nothing is pinned).</summary>
    public static BpfMap OpenPinned(string path) =>
        TryOpenPinned(path) ?? throw new BpfException($"bpf_obj_get({path})", BpfErrors.ENOENT);

    /// <summary>Opens the map pinned at <paramref name="path"/>, or returns null when nothing is pinned there.</summary>
    /// <exception cref="InvalidOperationException">The pinned object is not a map (e.g. a program).</exception>
    public static BpfMap? TryOpenPinned(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fd = Libbpf.ObjGet(path);
        if (fd == -BpfErrors.ENOENT)
        {
            return null;
        }

        var handle = new FileDescriptorHandle(BpfErrors.Check(fd, $"bpf_obj_get({path})"));
        try
        {
            // bpf_obj_get_info_by_fd would happily fill a map_info from a program fd; the fd's inode name tells them apart.
            var target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            if (target != "anon_inode:bpf-map")
            {
                throw new InvalidOperationException($"'{path}' pins {target}, not a BPF map");
            }

            return new BpfMap(handle, ReadInfo(fd, path), path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Pins the created map at <paramref name="path"/> (on bpffs); throws <see cref="BpfException"/> with EEXIST when the path is taken.</summary>
    public void Pin(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var lease = new HandleLease(_owner);
        BpfErrors.Check(Libbpf.ObjPin(Fd, path), $"bpf_obj_pin({Name}, {path})");
        _pinPath = path;
    }

    /// <summary>Removes the pin at <paramref name="path"/> (default: <see cref="PinPath"/>); false when nothing was pinned there. The map lives on while fds or programs use it.</summary>
    public bool Unpin(string? path = null)
    {
        path ??= PinPath;
        if (path is null)
        {
            return false;
        }

        if (Libc.Unlink(path) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == BpfErrors.ENOENT ? false : throw new BpfException($"unlink({path})", errno);
        }

        if (path == PinPath)
        {
            _pinPath = null;
            if (_map != 0)
            {
                using var lease = new HandleLease(_owner);
                Libbpf.MapSetPinPath(_map, null);
            }
        }

        return true;
    }
}
