namespace Plexus.Model.State;

/// <summary>The store's key layout (DESIGN §4). Every key Plexus writes is built here, nowhere else.</summary>
public static class StoreKeys
{
    /// <summary>Root of everything Plexus stores.</summary>
    public const string Root = "plexus/";

    /// <summary>Prefix of all node records, or of one cluster's when <paramref name="cluster"/> is given.</summary>
    public static string NodesPrefix(string? cluster = null) => cluster is null ? "plexus/nodes/" : $"plexus/nodes/{cluster}/";

    /// <summary>The record of one node, written by its agent under the agent's lease.</summary>
    public static string Node(string cluster, string node) => $"plexus/nodes/{cluster}/{node}";
}
