namespace Plexus.Datapath.Services;

/// <summary>Result of a sync.</summary>
/// <param name="Added">Frontends newly programmed.</param>
/// <param name="Updated">Frontends whose backends or options changed.</param>
/// <param name="Removed">Frontends removed.</param>
/// <param name="Errors">Frontends that could not be programmed, each with a reason (e.g. map full); the rest was applied.</param>
public sealed record ServiceSyncResult(int Added, int Updated, int Removed, IReadOnlyList<string> Errors)
{
    /// <summary>
    /// Open TCP connections whose pinned backend left the maps in this sync, as their clients addressed them. The
    /// datapath answers their next packet with a RST; a client that waits for data sends none, so the caller ends
    /// the sockets of local clients itself.
    /// </summary>
    public IReadOnlyList<ServiceConnection> Stranded { get; init; } = [];
}
