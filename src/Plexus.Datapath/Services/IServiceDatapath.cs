namespace Plexus.Datapath.Services;

/// <summary>The service part of a node's datapath.</summary>
public interface IServiceDatapath
{
    /// <summary>
    /// Makes the programmed frontends equal to <paramref name="desired"/> (complete set; absent frontends are removed).
    /// Idempotent; after an agent restart the first sync adopts what the pinned maps hold and changes only the difference.
    /// Connections pinned to a backend that disappears are ended with a TCP RST on their next packet; the TCP ones are
    /// listed in <see cref="ServiceSyncResult.Stranded"/>, for the clients that send none.
    /// </summary>
    ServiceSyncResult Sync(IReadOnlyCollection<ServiceFrontend> desired);

    /// <summary>The programmed frontends with per-backend connection counts.</summary>
    IReadOnlyList<ServiceFrontendStatus> List();

    /// <summary>The Service (<c>namespace/name</c>) whose frontend has id <paramref name="serviceId"/> (the reverse-NAT id), or null.</summary>
    string? ServiceOf(ushort serviceId) => null;
}
