namespace Plexus.Model;

/// <summary>Which backends external or internal traffic may reach.</summary>
public enum TrafficPolicy
{
    /// <summary>Any ready backend in the cluster.</summary>
    Cluster,

    /// <summary>Only backends on the node that received the traffic.</summary>
    Local,
}
