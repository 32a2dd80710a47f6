namespace Plexus.Interop.Bpf;

/// <summary>What <see cref="BpfMap.ReusePinned"/> found at the pin path.</summary>
public enum BpfReuseResult
{
    /// <summary>The pinned map matches the definition; the object will use it on load.</summary>
    Reused,

    /// <summary>Nothing is pinned there; the object will create a fresh map.</summary>
    NotPinned,

    /// <summary>A map is pinned there but its type, key/value size, max entries or flags differ; nothing was changed.</summary>
    Incompatible,
}
