using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>BTF_KIND_DATASEC: a data section (.rodata, .data, .bss) listing its variables.</summary>
    internal const uint BtfKindDatasec = 15;

    /// <summary>Mirror of <c>struct btf_type</c>: name offset, info (kind and vlen), then size or type id.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BtfType
    {
        public uint NameOffset;
        public uint Info;
        public uint SizeOrType;

        /// <summary>The number of trailing entries (members, variables); the low 16 bits of info.</summary>
        public readonly int VLen => (int)(Info & 0xFFFF);
    }

    /// <summary>Mirror of <c>struct btf_var_secinfo</c>, the entries following a DATASEC type.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BtfVarSecInfo
    {
        public uint Type;
        public uint Offset;
        public uint Size;
    }

    /// <summary>btf__find_by_name_kind(): returns the type id, or a negative errno (-ENOENT when absent).</summary>
    [LibraryImport(Library, EntryPoint = "btf__find_by_name_kind", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int BtfFindByNameKind(nint btf, string name, uint kind);

    /// <summary>btf__type_by_id(): returns the type (owned by the BTF object), or NULL with errno EINVAL for a bad id.</summary>
    [LibraryImport(Library, EntryPoint = "btf__type_by_id", SetLastError = true)]
    internal static partial BtfType* BtfTypeById(nint btf, uint id);

    /// <summary>btf__name_by_offset(): returns the string at the offset in the BTF string section, or NULL when out of range.</summary>
    [LibraryImport(Library, EntryPoint = "btf__name_by_offset")]
    internal static partial byte* BtfNameByOffset(nint btf, uint offset);
}
