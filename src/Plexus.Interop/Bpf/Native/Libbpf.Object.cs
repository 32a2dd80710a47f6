using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>Mirror of <c>struct bpf_object_open_opts</c> (libbpf 1.1 layout; <c>sz</c> tells libbpf how much we know).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ObjectOpenOptions
    {
        public nuint Size;
        public byte* ObjectName;
        public byte RelaxedMaps;
        public byte* PinRootPath;
        public uint RemovedAttachProgFd;
        public byte* Kconfig;
        public byte* BtfCustomPath;
        public byte* KernelLogBuffer;
        public nuint KernelLogSize;
        public uint KernelLogLevel;
    }

    /// <summary>bpf_object__open_file(): returns a <c>struct bpf_object *</c>, or NULL with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__open_file", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ObjectOpenFile(string path, ObjectOpenOptions* options);

    /// <summary>bpf_object__load(): creates maps and loads programs; returns 0, or a negative errno (the object is then unusable).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__load")]
    internal static partial int ObjectLoad(nint obj);

    /// <summary>bpf_object__close(): frees the object and closes its map and program fds; no return value.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__close")]
    internal static partial void ObjectClose(nint obj);

    /// <summary>bpf_object__name(): returns the object's name (owned by the object), never NULL for a valid object.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__name")]
    internal static partial byte* ObjectName(nint obj);

    /// <summary>bpf_object__next_program(): returns the program after <paramref name="previous"/> (NULL starts), or NULL at the end.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__next_program")]
    internal static partial nint ObjectNextProgram(nint obj, nint previous);

    /// <summary>bpf_object__next_map(): returns the map after <paramref name="previous"/> (NULL starts), or NULL at the end.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__next_map")]
    internal static partial nint ObjectNextMap(nint obj, nint previous);

    /// <summary>bpf_object__find_map_by_name(): matches the map name or an internal map's section (".rodata"); NULL with errno ENOENT if absent.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ObjectFindMapByName(nint obj, string name);

    /// <summary>bpf_object__btf(): returns the object's <c>struct btf *</c>, or NULL when the object has no BTF.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__btf")]
    internal static partial nint ObjectBtf(nint obj);
}
