using System.Runtime.InteropServices;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>A BPF map: either part of a <see cref="BpfObject"/> (configurable until load, fd owned by the object) or opened from a bpffs pin.</summary>
/// <remarks>Element operations are thread-safe (they are bpf(2) calls on the fd) and allocation-free for unmanaged keys and values.</remarks>
public sealed unsafe partial class BpfMap : IDisposable
{
    private static readonly Lazy<int> PossibleCpuCount = new(() => BpfErrors.Check(Libbpf.NumPossibleCpus(), "libbpf_num_possible_cpus"));

    private readonly BpfObject? _object;
    private readonly SafeHandle _owner;
    private readonly nint _map;
    private readonly string _name;
    private int _fd = -1;
    private string? _pinPath;

    // Fixed once the map exists; before that, object maps ask libbpf, which tracks SetMaxEntries.
    private BpfMapType _type;
    private int _keySize;
    private int _valueSize;
    private int _maxEntries;
    private uint _flags;

    internal BpfMap(BpfObject owner, BpfObjectHandle handle, nint map)
    {
        _object = owner;
        _owner = handle;
        _map = map;
        _name = BpfErrors.String(Libbpf.MapName(map));
    }

    private BpfMap(FileDescriptorHandle fd, in Libbpf.MapInfo info, string? pinPath)
    {
        _owner = fd;
        _fd = fd.Fd;
        _pinPath = pinPath;
        fixed (byte* name = info.Name)
        {
            _name = BpfErrors.FixedString(name, 16);
        }

        _type = (BpfMapType)info.Type;
        _keySize = (int)info.KeySize;
        _valueSize = (int)info.ValueSize;
        _maxEntries = (int)info.MaxEntries;
        _flags = info.MapFlags;
        Id = info.Id;
    }

    /// <summary>The number of possible CPUs: how many values a per-CPU map holds per key.</summary>
    public static int PossibleCpus => PossibleCpuCount.Value;

    /// <summary>The map name (for object maps, libbpf's name; internal maps are <c>&lt;object&gt;.rodata</c> and so on).</summary>
    public string Name => _name;

    /// <summary>The map type.</summary>
    public BpfMapType Type => _fd < 0 ? (BpfMapType)Libbpf.MapType(Live()) : _type;

    /// <summary>The key size in bytes.</summary>
    public int KeySize => _fd < 0 ? (int)Libbpf.MapKeySize(Live()) : _keySize;

    /// <summary>The value size in bytes (of one CPU's value for per-CPU maps).</summary>
    public int ValueSize => _fd < 0 ? (int)Libbpf.MapValueSize(Live()) : _valueSize;

    /// <summary>The maximum number of entries (as configured so far, for an object map not yet loaded).</summary>
    public int MaxEntries => _fd < 0 ? (int)Libbpf.MapMaxEntries(Live()) : _maxEntries;

    /// <summary>The BPF_F_* creation flags (e.g. BPF_F_NO_PREALLOC = 1).</summary>
    public uint Flags => _fd < 0 ? Libbpf.MapFlags(Live()) : _flags;

    /// <summary>The kernel's map id (0 for an object map not yet loaded).</summary>
    public uint Id { get; private set; }

    /// <summary>True for per-CPU maps, whose values are arrays of <see cref="PossibleCpus"/> elements.</summary>
    public bool IsPerCpu => Type is BpfMapType.PerCpuHash or BpfMapType.PerCpuArray or BpfMapType.LruPerCpuHash or BpfMapType.PerCpuCgroupStorage;

    /// <summary>The bytes one CPU's value occupies in per-CPU buffers: <see cref="ValueSize"/> rounded up to 8.</summary>
    public int PerCpuValueStride => (ValueSize + 7) & ~7;

    /// <summary>True when the map exists in the kernel (loaded object map or opened pin).</summary>
    public bool IsCreated => _fd >= 0;

    /// <summary>The map fd; throws before the owning object is loaded. Owned by this map or its object: do not close it.</summary>
    public int Fd => _fd >= 0 ? _fd : throw new InvalidOperationException($"map '{Name}' is not created yet; load its object first");

    /// <summary>Where the map is pinned (set by <see cref="Pin"/>, <see cref="SetPinPath"/>, LIBBPF_PIN_BY_NAME or <see cref="OpenPinned"/>), or null.</summary>
    public string? PinPath => _pinPath ?? (_map != 0 ? NullIfEmpty(BpfErrors.String(Libbpf.MapPinPath(Live()))) : null);

    internal nint Pointer => _map;

    internal SafeHandle Owner => _owner;

    /// <summary>Closes the fd of a map opened with <see cref="OpenPinned"/>; a no-op for object maps (the object owns them).</summary>
    public void Dispose()
    {
        if (_object is null)
        {
            _owner.Dispose();
        }
    }

    /// <summary>Sets max_entries before load (e.g. sized from configuration); throws once loaded.</summary>
    public void SetMaxEntries(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        EnsureConfigurable();
        using var lease = new HandleLease(_owner);
        BpfErrors.Check(Libbpf.MapSetMaxEntries(_map, (uint)maxEntries), $"bpf_map__set_max_entries({Name})");
    }

    /// <summary>Sets value_size before load (e.g. an array-valued map sized from configuration; the map should not be BTF-typed); throws once loaded.</summary>
    public void SetValueSize(int valueSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valueSize);
        EnsureConfigurable();
        using var lease = new HandleLease(_owner);
        BpfErrors.Check(Libbpf.MapSetValueSize(_map, (uint)valueSize), $"bpf_map__set_value_size({Name})");
    }

    /// <summary>Before load: pin the map at <paramref name="path"/>; on load libbpf reuses a compatible map already pinned there, or creates and pins one. Null clears.</summary>
    public void SetPinPath(string? path)
    {
        EnsureConfigurable();
        using var lease = new HandleLease(_owner);
        BpfErrors.Check(Libbpf.MapSetPinPath(_map, path), $"bpf_map__set_pin_path({Name}, {path})");
    }

    /// <summary>Before load: make the object use the existing map <paramref name="existing"/> (e.g. from <see cref="OpenPinned"/>) instead of creating one.</summary>
    /// <exception cref="InvalidOperationException">The maps differ in type, key/value size, max entries or flags.</exception>
    public void ReuseFd(BpfMap existing)
    {
        ArgumentNullException.ThrowIfNull(existing);
        EnsureConfigurable();
        if (!IsCompatibleWith(existing, out var difference))
        {
            throw new InvalidOperationException($"cannot reuse map '{existing.Name}' for '{Name}': {difference}");
        }

        using var lease = new HandleLease(_owner);
        using var existingLease = new HandleLease(existing._owner);
        BpfErrors.Check(Libbpf.MapReuseFd(_map, existing.Fd), $"bpf_map__reuse_fd({Name})");
    }

    /// <summary>Before load: reuse the map pinned at <paramref name="path"/> if there is one and it matches this definition.</summary>
    public BpfReuseResult ReusePinned(string path)
    {
        EnsureConfigurable();
        using var pinned = TryOpenPinned(path);
        if (pinned is null)
        {
            return BpfReuseResult.NotPinned;
        }

        if (!IsCompatibleWith(pinned, out _))
        {
            return BpfReuseResult.Incompatible;
        }

        ReuseFd(pinned);
        return BpfReuseResult.Reused;
    }

    /// <summary>True when <paramref name="other"/> has this map's type, key/value sizes, max entries and flags.</summary>
    public bool IsCompatibleWith(BpfMap other, out string? difference)
    {
        ArgumentNullException.ThrowIfNull(other);
        difference = Type != other.Type ? $"type {other.Type} != {Type}"
            : KeySize != other.KeySize ? $"key size {other.KeySize} != {KeySize}"
            : ValueSize != other.ValueSize ? $"value size {other.ValueSize} != {ValueSize}"
            : MaxEntries != other.MaxEntries ? $"max entries {other.MaxEntries} != {MaxEntries}"
            : Flags != other.Flags ? $"flags 0x{other.Flags:x} != 0x{Flags:x}"
            : null;
        return difference is null;
    }

    internal void OnLoaded()
    {
        var fd = BpfErrors.Check(Libbpf.MapFd(_map), $"bpf_map__fd({Name})");
        _type = (BpfMapType)Libbpf.MapType(_map);
        _keySize = (int)Libbpf.MapKeySize(_map);
        _valueSize = (int)Libbpf.MapValueSize(_map);
        _maxEntries = (int)Libbpf.MapMaxEntries(_map);
        _flags = Libbpf.MapFlags(_map);
        Id = ReadInfo(fd, Name).Id;
        _fd = fd;
    }

    private void EnsureConfigurable()
    {
        if (_object is null)
        {
            throw new InvalidOperationException($"map '{Name}' was opened from a pin; only maps of a BpfObject are configurable before load");
        }

        _object.EnsureNotLoaded();
    }

    // Before load the definition lives in libbpf's object: refuse to touch it once the object is disposed.
    private nint Live()
    {
        ObjectDisposedException.ThrowIf(_owner.IsClosed, this);
        return _map;
    }

    private static Libbpf.MapInfo ReadInfo(int fd, string subject)
    {
        Libbpf.MapInfo info = default;
        var length = (uint)sizeof(Libbpf.MapInfo);
        BpfErrors.Check(Libbpf.ObjGetInfoByFd(fd, &info, &length), $"bpf_obj_get_info_by_fd({subject})");
        return info;
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
