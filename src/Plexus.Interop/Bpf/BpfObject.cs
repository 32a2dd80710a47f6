using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>A BPF ELF object opened with libbpf: configure maps and read-only globals, then <see cref="Load"/>, then use its programs and maps.</summary>
/// <remarks>
/// Not thread-safe before load. After load, its <see cref="BpfMap"/>s and <see cref="BpfProgram"/>s may be used from any
/// thread. Disposing closes every fd of the object; programs attached to tc hooks and pinned maps stay in the kernel.
/// </remarks>
public sealed unsafe partial class BpfObject : IDisposable
{
    private readonly BpfObjectHandle _handle;
    private readonly List<BpfProgram> _programs = [];
    private readonly List<BpfMap> _maps = [];
    private readonly Dictionary<nint, BpfMap> _mapsByPointer = [];

    private BpfObject(BpfObjectHandle handle, string path)
    {
        _handle = handle;
        Path = path;
        Name = BpfErrors.String(Libbpf.ObjectName(handle.DangerousGetHandle()));

        var obj = handle.DangerousGetHandle();
        for (var prog = Libbpf.ObjectNextProgram(obj, 0); prog != 0; prog = Libbpf.ObjectNextProgram(obj, prog))
        {
            _programs.Add(new BpfProgram(handle, prog));
        }

        for (var map = Libbpf.ObjectNextMap(obj, 0); map != 0; map = Libbpf.ObjectNextMap(obj, map))
        {
            var wrapper = new BpfMap(this, handle, map);
            _maps.Add(wrapper);
            _mapsByPointer.Add(map, wrapper);
        }
    }

    /// <summary>The object name (file name without extension unless overridden).</summary>
    public string Name { get; }

    /// <summary>The ELF file this object was opened from.</summary>
    public string Path { get; }

    /// <summary>True once <see cref="Load"/> succeeded; configuration methods then throw.</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>The programs in the object, in ELF order.</summary>
    public IReadOnlyList<BpfProgram> Programs => _programs;

    /// <summary>The maps in the object, including internal ones such as <c>&lt;name&gt;.rodata</c>.</summary>
    public IReadOnlyList<BpfMap> Maps => _maps;

    internal BpfObjectHandle Handle => _handle;

    /// <summary>Opens (parses, does not load) the BPF ELF object at <paramref name="path"/>; throws <see cref="BpfException"/> (e.g. ENOENT) on failure.</summary>
    public static BpfObject Open(string path, BpfObjectOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var log = LibbpfLog.Capture();
        var objectName = Utf8(options?.ObjectName);
        var pinRoot = Utf8(options?.PinRootPath);
        fixed (byte* pObjectName = objectName)
        fixed (byte* pPinRoot = pinRoot)
        {
            var opts = new Libbpf.ObjectOpenOptions
            {
                Size = (nuint)sizeof(Libbpf.ObjectOpenOptions),
                ObjectName = pObjectName,
                PinRootPath = pPinRoot,
            };
            var obj = Libbpf.ObjectOpenFile(path, &opts);
            if (obj == 0)
            {
                throw new BpfException($"bpf_object__open_file({path})", Marshal.GetLastPInvokeError(), log.Text);
            }

            return new BpfObject(new BpfObjectHandle(obj), path);
        }
    }

    /// <summary>Creates the maps (reusing pinned or reused fds), applies .rodata and loads every program into the kernel.</summary>
    /// <exception cref="BpfException">With the verifier log in <see cref="BpfException.LibbpfLog"/> when a program is rejected; the object cannot be loaded again.</exception>
    public void Load()
    {
        EnsureNotLoaded();
        using var lease = new HandleLease(_handle);
        using var log = LibbpfLog.Capture();
        var rc = Libbpf.ObjectLoad(_handle.DangerousGetHandle());
        if (rc < 0)
        {
            throw new BpfException($"bpf_object__load({Name})", -rc, log.Text);
        }

        IsLoaded = true;
        foreach (var map in _maps)
        {
            map.OnLoaded();
        }

        foreach (var program in _programs)
        {
            program.OnLoaded();
        }
    }

    /// <summary>The program whose C function is named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public BpfProgram GetProgram(string name) =>
        TryGetProgram(name, out var program) ? program : throw new KeyNotFoundException($"BPF object '{Name}' has no program '{name}'");

    /// <summary>Finds the program whose C function is named <paramref name="name"/>.</summary>
    public bool TryGetProgram(string name, [NotNullWhen(true)] out BpfProgram? program)
    {
        program = _programs.Find(p => p.Name == name);
        return program is not null;
    }

    /// <summary>The map named <paramref name="name"/> (or an internal map's section, e.g. <c>.rodata</c>); throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public BpfMap GetMap(string name) =>
        TryGetMap(name, out var map) ? map : throw new KeyNotFoundException($"BPF object '{Name}' has no map '{name}'");

    /// <summary>Finds the map named <paramref name="name"/> (or an internal map's section, e.g. <c>.rodata</c>).</summary>
    public bool TryGetMap(string name, [NotNullWhen(true)] out BpfMap? map)
    {
        map = _maps.Find(m => m.Name == name);
        if (map is not null)
        {
            return true;
        }

        using var lease = new HandleLease(_handle);
        var pointer = Libbpf.ObjectFindMapByName(_handle.DangerousGetHandle(), name);
        return pointer != 0 && _mapsByPointer.TryGetValue(pointer, out map);
    }

    /// <summary>Closes the object's fds and frees libbpf state (deferred while a call on another thread still uses it).</summary>
    public void Dispose() => _handle.Dispose();

    internal void EnsureNotLoaded()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (IsLoaded)
        {
            throw new InvalidOperationException($"BPF object '{Name}' is already loaded; configure it before Load().");
        }
    }

    private static byte[]? Utf8(string? text) => text is null ? null : System.Text.Encoding.UTF8.GetBytes(text + '\0');
}
