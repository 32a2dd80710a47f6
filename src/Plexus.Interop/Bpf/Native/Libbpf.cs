namespace Plexus.Interop.Bpf.Native;

/// <summary>P/Invoke surface of libbpf 1.x, split by libbpf area into partial files (object, map, program, BTF, tc, ring buffer, log).</summary>
/// <remarks>
/// libbpf runs in "1.0 mode": integer-returning functions return 0 (or a count/fd) on success and a negative errno on
/// failure; pointer-returning functions return NULL and set errno, which is why only those use <c>SetLastError</c>.
/// </remarks>
internal static unsafe partial class Libbpf
{
    /// <summary>The runtime soname, so the program works without the libbpf-dev <c>libbpf.so</c> symlink.</summary>
    internal const string Library = "libbpf.so.1";
}
