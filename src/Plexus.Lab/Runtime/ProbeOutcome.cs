namespace Plexus.Lab.Runtime;

/// <summary>What one probe got: the server's reply (its <c>namespace/pod</c> name), or why there was none.</summary>
/// <param name="Reply">The reply text; null when the probe failed.</param>
/// <param name="Error">Why it failed (timeout, refused, …); null when it passed.</param>
public readonly record struct ProbeOutcome(string? Reply, string? Error)
{
    /// <summary>Whether a reply came back.</summary>
    public bool Connected => Reply is not null;
}
