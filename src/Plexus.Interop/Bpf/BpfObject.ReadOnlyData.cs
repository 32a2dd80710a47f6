using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Plexus.Interop.Bpf.Native;

namespace Plexus.Interop.Bpf;

/// <summary>The <c>.rodata</c> section: <c>const volatile</c> globals the loader sets before load and the verifier then treats as constants.</summary>
public sealed unsafe partial class BpfObject
{
    private const string ReadOnlySection = ".rodata";

    private Dictionary<string, (int Offset, int Size)>? _constants;

    /// <summary>The size of the <c>.rodata</c> section in bytes (0 when the object has none).</summary>
    public int ReadOnlyDataSize => TryGetMap(ReadOnlySection, out var map) ? map.ValueSize : 0;

    /// <summary>The names of the variables in <c>.rodata</c>, from the object's BTF.</summary>
    public IReadOnlyCollection<string> ConstantNames => Constants().Keys;

    /// <summary>Sets the <c>const volatile</c> global <paramref name="name"/> (a scalar or a struct mirrored by <typeparamref name="T"/>) before load.</summary>
    /// <exception cref="ArgumentException">The variable does not exist or its size differs from <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidOperationException">The object is already loaded (.rodata is frozen).</exception>
    public void SetConstant<T>(string name, in T value)
        where T : unmanaged
    {
        EnsureNotLoaded();
        var (offset, size) = Constant<T>(name);
        using var lease = new HandleLease(_handle);
        var image = ReadOnlyImage();
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).CopyTo(image.Slice(offset, size));
    }

    /// <summary>Reads the global <paramref name="name"/>: the value to be loaded before <see cref="Load"/>, the kernel's copy after.</summary>
    public T GetConstant<T>(string name)
        where T : unmanaged
    {
        var (offset, _) = Constant<T>(name);
        T value = default;
        ReadReadOnlyData(offset, MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    /// <summary>Replaces the whole <c>.rodata</c> image with <paramref name="value"/>, a struct mirroring every variable of the section.</summary>
    /// <exception cref="ArgumentException">The size of <typeparamref name="T"/> differs from the section's.</exception>
    public void SetReadOnlyData<T>(in T value)
        where T : unmanaged
    {
        EnsureNotLoaded();
        using var lease = new HandleLease(_handle);
        var image = ReadOnlyImage();
        if (image.Length != sizeof(T))
        {
            throw new ArgumentException($"{typeof(T).Name} is {sizeof(T)} bytes but {Name}.rodata is {image.Length}", nameof(value));
        }

        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).CopyTo(image);
    }

    /// <summary>Reads the whole <c>.rodata</c> section as <typeparamref name="T"/> (pre-load image, or the kernel's copy after load).</summary>
    public T GetReadOnlyData<T>()
        where T : unmanaged
    {
        if (ReadOnlyDataSize != sizeof(T))
        {
            throw new ArgumentException($"{typeof(T).Name} is {sizeof(T)} bytes but {Name}.rodata is {ReadOnlyDataSize}");
        }

        T value = default;
        ReadReadOnlyData(0, MemoryMarshal.AsBytes(new Span<T>(ref value)));
        return value;
    }

    private void ReadReadOnlyData(int offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (!IsLoaded)
        {
            using var lease = new HandleLease(_handle);
            ReadOnlyImage().Slice(offset, destination.Length).CopyTo(destination);
            return;
        }

        // After load, libbpf's image may be a stale copy; the array map (one element, key 0) is the truth.
        var map = GetMap(ReadOnlySection);
        Span<byte> buffer = map.ValueSize <= 512 ? stackalloc byte[map.ValueSize] : new byte[map.ValueSize];
        var key = 0u;
        if (!map.TryLookup(MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in key)), buffer))
        {
            throw new InvalidOperationException($"{Name}.rodata has no element 0");
        }

        buffer.Slice(offset, destination.Length).CopyTo(destination);
    }

    private Span<byte> ReadOnlyImage()
    {
        if (!TryGetMap(ReadOnlySection, out var map))
        {
            throw new InvalidOperationException($"BPF object '{Name}' has no .rodata section (no const volatile globals)");
        }

        nuint size;
        var image = Libbpf.MapInitialValue(map.Pointer, &size);
        return image is null
            ? throw new InvalidOperationException($"libbpf has no initial value for {Name}.rodata")
            : new Span<byte>(image, checked((int)size));
    }

    private (int Offset, int Size) Constant<T>(string name)
        where T : unmanaged
    {
        if (!Constants().TryGetValue(name, out var variable))
        {
            throw new ArgumentException($"BPF object '{Name}' has no const volatile global '{name}' in .rodata", nameof(name));
        }

        if (variable.Size != Unsafe.SizeOf<T>())
        {
            throw new ArgumentException($"'{name}' is {variable.Size} bytes but {typeof(T).Name} is {Unsafe.SizeOf<T>()}", nameof(name));
        }

        return variable;
    }

    private Dictionary<string, (int Offset, int Size)> Constants()
    {
        if (_constants is not null)
        {
            return _constants;
        }

        using var lease = new HandleLease(_handle);
        var constants = new Dictionary<string, (int Offset, int Size)>(StringComparer.Ordinal);
        var btf = Libbpf.ObjectBtf(_handle.DangerousGetHandle());
        var id = btf == 0 ? -BpfErrors.ENOENT : Libbpf.BtfFindByNameKind(btf, ReadOnlySection, Libbpf.BtfKindDatasec);
        if (id > 0)
        {
            // libbpf fixed the DATASEC offsets at open time (clang leaves them 0); entries follow the btf_type header.
            var section = Libbpf.BtfTypeById(btf, (uint)id);
            var variables = (Libbpf.BtfVarSecInfo*)(section + 1);
            for (var i = 0; i < section->VLen; i++)
            {
                var variable = Libbpf.BtfTypeById(btf, variables[i].Type);
                var name = BpfErrors.String(Libbpf.BtfNameByOffset(btf, variable->NameOffset));
                constants[name] = ((int)variables[i].Offset, (int)variables[i].Size);
            }
        }

        return _constants = constants;
    }
}
