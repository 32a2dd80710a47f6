using Plexus.Store;

namespace Plexus.Agent.ControlPlane.IpCache;

/// <summary>One cluster whose ipcache is mirrored, and the store that holds it (the local one, or a remote cluster's).</summary>
/// <param name="Cluster">The cluster name.</param>
/// <param name="Store">The store holding <c>plexus/ipcache/&lt;cluster&gt;/</c>.</param>
public sealed record IpCacheSource(string Cluster, IStore Store);
