using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf.Native;

internal static unsafe partial class Libbpf
{
    /// <summary>LIBBPF_WARN: the level libbpf uses for failures, including verifier logs of rejected programs.</summary>
    internal const int PrintWarn = 0;

    /// <summary>LIBBPF_DEBUG: very chatty per-relocation output, dropped by Plexus.</summary>
    internal const int PrintDebug = 2;

    /// <summary>libbpf_set_print(): installs the process-wide print callback (level, format, va_list); returns the previous one.</summary>
    [LibraryImport(Library, EntryPoint = "libbpf_set_print")]
    internal static partial nint SetPrint(delegate* unmanaged<int, byte*, nint, int> callback);
}
