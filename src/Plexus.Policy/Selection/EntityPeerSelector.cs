using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>A Cilium entity other than <c>all</c> (which compiles to the wildcard identity 0).</summary>
internal sealed class EntityPeerSelector(CiliumEntity entity) : PeerSelector
{
    public override string Key { get; } = "entity:" + entity;

    public override bool Matches(IdentityView view) => entity switch
    {
        CiliumEntity.World => view.Number == (uint)ReservedIdentity.World || view.IsCidr,
        CiliumEntity.WorldIPv4 => view.Number == (uint)ReservedIdentity.World || view.Cidr is { IsIPv4: true },
        CiliumEntity.WorldIPv6 => view.Number == (uint)ReservedIdentity.World || view.Cidr is { IsIPv6: true },
        CiliumEntity.Cluster => !view.IsCidr && view.Number is not ((uint)ReservedIdentity.World or (uint)ReservedIdentity.Unknown),
        CiliumEntity.Host => view.Number == (uint)ReservedIdentity.Host,
        CiliumEntity.RemoteNode => view.Number == (uint)ReservedIdentity.RemoteNode,
        CiliumEntity.Init => view.Number == (uint)ReservedIdentity.Init,
        CiliumEntity.Health => view.Number == (uint)ReservedIdentity.Health,
        CiliumEntity.Unmanaged => view.Number == (uint)ReservedIdentity.Unmanaged,
        CiliumEntity.KubeApiserver => view.Number == (uint)ReservedIdentity.KubeApiServer,
        CiliumEntity.Ingress => view.Number == (uint)ReservedIdentity.Ingress,
        _ => true,
    };
}
