namespace Plexus.Interop.Netlink;

/// <summary>How far a destination is (<c>rt_scope_t</c>); shared by routes and addresses.</summary>
public enum RouteScope : byte
{
    /// <summary>RT_SCOPE_UNIVERSE: reachable through a gateway.</summary>
    Universe = 0,

    /// <summary>RT_SCOPE_SITE: interior to the site (IPv6).</summary>
    Site = 200,

    /// <summary>RT_SCOPE_LINK: directly on the link.</summary>
    Link = 253,

    /// <summary>RT_SCOPE_HOST: on this host.</summary>
    Host = 254,

    /// <summary>RT_SCOPE_NOWHERE: no destination; as a delete selector it matches any scope.</summary>
    Nowhere = 255,
}
