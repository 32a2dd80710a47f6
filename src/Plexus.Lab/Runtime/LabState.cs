using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plexus.Lab.Runtime;

/// <summary>
/// <c>state.json</c> of a running lab: where its etcd members and agents listen. Written by <c>lab up</c> for people
/// and tools; the CLI reads the first cluster's store from it. Everything in it follows from the topology copy.
/// </summary>
public sealed record LabState(string Name, string File, IReadOnlyList<LabState.EtcdMember> Etcd, IReadOnlyList<LabState.Agent> Agents)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A cluster's etcd: the namespace it listens in and its store URL there.</summary>
    public sealed record EtcdMember(string Cluster, int ClusterId, string Netns, string Url);

    /// <summary>A node's agent.</summary>
    public sealed record Agent(string Cluster, string Node, string Netns, string Address, string Socket, string PinDirectory);

    /// <summary>The state of <paramref name="lab"/>, started from <paramref name="file"/>.</summary>
    public static LabState Of(LabInstance lab, string file) => new(
        lab.Name,
        file,
        [.. lab.Topology.Clusters.Select(c => new EtcdMember(c.Name, c.Id, lab.FabricNetns, lab.StoreUrl(c)))],
        [.. lab.Nodes.Select(n => new Agent(n.Cluster.Name, n.Name, n.Netns, n.Address.ToString(), n.Socket, n.PinDirectory))]);

    /// <summary>Reads <paramref name="path"/>; null when it does not exist or cannot be read.</summary>
    public static LabState? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<LabState>(System.IO.File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the state to <paramref name="path"/> (atomically: a temp file renamed over it).</summary>
    public void Write(string path)
    {
        var temp = path + ".tmp";
        System.IO.File.WriteAllText(temp, JsonSerializer.Serialize(this, Json) + "\n");
        System.IO.File.Move(temp, path, overwrite: true);
    }
}
