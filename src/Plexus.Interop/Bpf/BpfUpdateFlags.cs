namespace Plexus.Interop.Bpf;

/// <summary>Flags of a map update (BPF_ANY / BPF_NOEXIST / BPF_EXIST, plus BPF_F_LOCK).</summary>
[Flags]
#pragma warning disable CA1711 // "Flags" is the kernel's name for this
public enum BpfUpdateFlags : ulong
#pragma warning restore CA1711
{
    /// <summary>BPF_ANY: create or overwrite.</summary>
    Any = 0,

    /// <summary>BPF_NOEXIST: create only; EEXIST when the key is present.</summary>
    NoExist = 1,

    /// <summary>BPF_EXIST: overwrite only; ENOENT when the key is absent.</summary>
    Exist = 2,

    /// <summary>BPF_F_LOCK: update under the value's bpf_spin_lock.</summary>
    Lock = 4,
}
