using System.Net;
using Plexus.Agent.ControlPlane.Policy;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Policy;

namespace Plexus.Agent.Datapath;

/// <summary>
/// Writes policy CIDR identities into the node's ipcache LPM map. Pod and node addresses (/32 entries written from
/// the store) win by longest-prefix match; a policy /32 equal to such an address would replace it, so those are left
/// to the address's own identity (the compiler matches CIDR rules against in-cluster identities by address anyway).
/// </summary>
internal sealed class IpCacheCidrSink(NodeDatapath datapath) : ICidrIdentitySink
{
    /// <inheritdoc/>
    public void Upsert(CidrIdentity identity)
    {
        var prefix = PrefixOf(identity);
        if (prefix.PrefixLength == 32 && datapath.IpCache.Lookup<IpCacheKey, IpCacheInfo>(NodeDatapath.IpCacheKeyOf(prefix)) is { } existing
            && existing.Identity != identity.Number)
        {
            return;
        }

        datapath.UpsertIpCache(prefix, new IpCacheInfo { Identity = identity.Number });
    }

    /// <inheritdoc/>
    public void Remove(CidrIdentity identity)
    {
        var prefix = PrefixOf(identity);
        if (datapath.IpCache.Lookup<IpCacheKey, IpCacheInfo>(NodeDatapath.IpCacheKeyOf(prefix)) is { } existing && existing.Identity == identity.Number)
        {
            datapath.RemoveIpCache(prefix);
        }
    }

    private static IPNetwork PrefixOf(CidrIdentity identity) => new(identity.Cidr.Network, identity.Cidr.PrefixLength);
}
