namespace Plexus.Interop.Bpf;

/// <summary>Where libbpf warnings go when they are not attached to a <see cref="BpfException"/> (libbpf would print them to stderr).</summary>
public static class BpfLog
{
    /// <summary>Receives each libbpf warning printed outside a failing Plexus call; null drops them.</summary>
    public static Action<string>? Warning { get; set; }
}
