namespace Plexus.Interop.Bpf;

/// <summary>Options for <see cref="BpfObject.Open"/>.</summary>
public sealed record BpfObjectOptions
{
    /// <summary>Overrides the object name (default: the file name without extension); prefixes internal map names.</summary>
    public string? ObjectName { get; init; }

    /// <summary>Directory for maps declared with <c>LIBBPF_PIN_BY_NAME</c> (default <c>/sys/fs/bpf</c>): reused when pinned there, else created and pinned on load.</summary>
    public string? PinRootPath { get; init; }
}
