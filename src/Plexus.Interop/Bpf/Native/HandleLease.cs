using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

/// <summary>Keeps a SafeHandle from being released while a native call uses its value (AddRef/Release), so a concurrent
/// Dispose cannot close an fd that is then reused by an unrelated open.</summary>
internal ref struct HandleLease
{
    private readonly SafeHandle _handle;
    private bool _added;

    /// <summary>Adds a reference; throws <see cref="ObjectDisposedException"/> when the handle is already closed.</summary>
    public HandleLease(SafeHandle handle)
    {
        _handle = handle;
        _added = false;
        handle.DangerousAddRef(ref _added);
    }

    /// <summary>Drops the reference taken by the constructor.</summary>
    public void Dispose()
    {
        if (_added)
        {
            _added = false;
            _handle.DangerousRelease();
        }
    }
}
