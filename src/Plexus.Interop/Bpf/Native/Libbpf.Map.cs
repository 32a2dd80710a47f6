using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>Mirror of <c>struct bpf_map_batch_opts</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MapBatchOptions
    {
        public nuint Size;
        public ulong ElementFlags;
        public ulong Flags;
    }

    /// <summary>The leading fields of the kernel's <c>struct bpf_map_info</c>; the kernel copies only what we ask for.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct MapInfo
    {
        public uint Type;
        public uint Id;
        public uint KeySize;
        public uint ValueSize;
        public uint MaxEntries;
        public uint MapFlags;
        public fixed byte Name[16];
    }

    // --- struct bpf_map (object maps) ---

    /// <summary>bpf_map__fd(): returns the map fd (owned by the object), or a negative errno before load.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__fd")]
    internal static partial int MapFd(nint map);

    /// <summary>bpf_map__name(): returns the map name (owned by the map); never fails for a valid map.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__name")]
    internal static partial byte* MapName(nint map);

    /// <summary>bpf_map__type(): returns the <c>enum bpf_map_type</c>; never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__type")]
    internal static partial int MapType(nint map);

    /// <summary>bpf_map__key_size(): returns the key size in bytes; never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__key_size")]
    internal static partial uint MapKeySize(nint map);

    /// <summary>bpf_map__value_size(): returns the value size in bytes (per CPU for per-CPU maps); never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__value_size")]
    internal static partial uint MapValueSize(nint map);

    /// <summary>bpf_map__max_entries(): returns max_entries as currently configured; never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__max_entries")]
    internal static partial uint MapMaxEntries(nint map);

    /// <summary>bpf_map__map_flags(): returns the BPF_F_* creation flags; never fails.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__map_flags")]
    internal static partial uint MapFlags(nint map);

    /// <summary>bpf_map__set_max_entries(): returns 0, or -EBUSY once the object is loaded.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__set_max_entries")]
    internal static partial int MapSetMaxEntries(nint map, uint maxEntries);

    /// <summary>bpf_map__set_value_size(): returns 0, or -EBUSY once the object is loaded (or a negative errno for a size the map cannot take).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__set_value_size")]
    internal static partial int MapSetValueSize(nint map, uint size);

    /// <summary>bpf_map__reuse_fd(): dups <paramref name="fd"/> into the map so load reuses it; returns 0 or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__reuse_fd")]
    internal static partial int MapReuseFd(nint map, int fd);

    /// <summary>bpf_map__set_pin_path(): load reuses the pin if present, else creates and pins; returns 0 or a negative errno (NULL clears).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__set_pin_path", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MapSetPinPath(nint map, string? path);

    /// <summary>bpf_map__pin_path(): returns the configured pin path (owned by the map), or NULL when none.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__pin_path")]
    internal static partial byte* MapPinPath(nint map);

    /// <summary>bpf_map__initial_value(): returns the writable pre-load image of an internal map (.rodata/.data) and its size, or NULL for other maps.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__initial_value")]
    internal static partial byte* MapInitialValue(nint map, nuint* size);

    // --- fd-level element operations (bpf(2) wrappers) ---

    /// <summary>bpf_map_lookup_elem(): returns 0 and fills <paramref name="value"/>, -ENOENT when the key is absent, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_elem")]
    internal static partial int MapLookupElem(int fd, void* key, void* value);

    /// <summary>bpf_map_update_elem(): returns 0, -EEXIST (BPF_NOEXIST and present), -ENOENT (BPF_EXIST and absent), -E2BIG (full), or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_update_elem")]
    internal static partial int MapUpdateElem(int fd, void* key, void* value, ulong flags);

    /// <summary>bpf_map_delete_elem(): returns 0, -ENOENT when the key is absent, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_delete_elem")]
    internal static partial int MapDeleteElem(int fd, void* key);

    /// <summary>bpf_map_get_next_key(): returns 0 with the key after <paramref name="key"/> (NULL: the first), -ENOENT after the last, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_get_next_key")]
    internal static partial int MapGetNextKey(int fd, void* key, void* nextKey);

    // --- batch operations ---

    /// <summary>bpf_map_lookup_batch(): returns 0 with *count entries, -ENOENT when the walk ended (*count may still be positive), -ENOSPC when a hash bucket exceeds *count, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_batch")]
    internal static partial int MapLookupBatch(int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, MapBatchOptions* options);

    /// <summary>bpf_map_lookup_and_delete_batch(): like bpf_map_lookup_batch but deletes what it returns; same return contract.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_and_delete_batch")]
    internal static partial int MapLookupAndDeleteBatch(int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, MapBatchOptions* options);

    /// <summary>bpf_map_update_batch(): returns 0, or a negative errno with *count set to the number of elements updated before the failure.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_update_batch")]
    internal static partial int MapUpdateBatch(int fd, void* keys, void* values, uint* count, MapBatchOptions* options);

    /// <summary>bpf_map_delete_batch(): returns 0, or a negative errno (-ENOENT for a missing key) with *count set to the number deleted before it.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_delete_batch")]
    internal static partial int MapDeleteBatch(int fd, void* keys, uint* count, MapBatchOptions* options);

    // --- pinning and object info ---

    /// <summary>bpf_obj_pin(): pins the object behind <paramref name="fd"/> at a bpffs path; returns 0, -EEXIST if the path exists, or another negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_obj_pin", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ObjPin(int fd, string path);

    /// <summary>bpf_obj_get(): returns a new fd for a pinned object, or a negative errno (-ENOENT when nothing is pinned there).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_obj_get", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ObjGet(string path);

    /// <summary>bpf_obj_get_info_by_fd(): fills up to *length bytes of the map/program info struct; returns 0 or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_obj_get_info_by_fd")]
    internal static partial int ObjGetInfoByFd(int fd, void* info, uint* length);

    /// <summary>libbpf_num_possible_cpus(): returns the number of possible CPUs (the per-CPU value count), or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "libbpf_num_possible_cpus")]
    internal static partial int NumPossibleCpus();
}
