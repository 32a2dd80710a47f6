using System.Text.Json;
using System.Text.Json.Serialization;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Agents;
using Plexus.Lab.Topology;

namespace Plexus.Lab.Runtime;

/// <summary>
/// A running lab as <c>plexus lab status -o json</c> prints it (DESIGN §5): <c>nodes[] {cluster, name, netns,
/// address, agentPid, ready}</c>, <c>pods[] {namespace, name, cluster, node, netns, ip, identity, labels}</c>,
/// <c>externals[] {name, address}</c>; pod addresses and identities come from the agents' endpoint lists.
/// </summary>
public sealed record LabStatus(
    string Name, int? SupervisorPid, IReadOnlyList<LabStatus.Node> Nodes, IReadOnlyList<LabStatus.Pod> Pods, IReadOnlyList<LabStatus.External> Externals)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(3);

    /// <summary>A node and its agent: <see cref="Ready"/> when the agent reports itself healthy.</summary>
    public sealed record Node(string Cluster, string Name, string Netns, string Address, int? AgentPid, bool Ready);

    /// <summary>A pod; <see cref="Ip"/> and <see cref="Identity"/> are null until its endpoint exists.</summary>
    public sealed record Pod(
        [property: JsonPropertyName("namespace")] string Namespace, string Name, string Cluster, string Node, string Netns, string? Ip, long? Identity,
        IReadOnlyDictionary<string, string> Labels);

    /// <summary>A host outside the mesh.</summary>
    public sealed record External(string Name, string Address);

    /// <summary>Whether every agent is ready and every pod has an address.</summary>
    [JsonIgnore]
    public bool Ready => Nodes.All(n => n.Ready) && Pods.All(p => p.Ip is not null);

    /// <summary>Asks every agent of <paramref name="lab"/> (concurrently) and assembles the status.</summary>
    public static async Task<LabStatus> CollectAsync(LabInstance lab, CancellationToken cancellationToken)
    {
        var views = await Task.WhenAll(lab.Nodes.Select(n => AskAsync(n, cancellationToken))).ConfigureAwait(false);
        var nodes = lab.Nodes.Zip(views, (n, v) =>
            new Node(n.Cluster.Name, n.Name, n.Netns, n.Address.ToString(), AgentPid(n), v.Ready)).ToList();
        var pods = lab.Topology.Pods.Select(p =>
        {
            var view = views[lab.Nodes.ToList().IndexOf(lab.NodeOf(p))];
            var endpoint = view.Endpoints.FirstOrDefault(e => e.Namespace == p.Namespace && e.Pod == p.Name);
            return new Pod(p.Namespace, p.Name, p.Cluster, p.Node, lab.Netns(p), endpoint?.Ip, endpoint?.Identity, p.Labels);
        }).ToList();
        var externals = lab.Topology.Externals.Select(e => new External(e.Name, e.Address.ToString())).ToList();
        var supervisor = SupervisorProcess.Find(lab.Name) is [var pid, ..] ? pid : (int?)null;
        return new LabStatus(lab.Name, supervisor, nodes, pods, externals);
    }

    /// <summary>The status as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    // The agent's pid from the process table: known even while its API does not answer.
    private static int? AgentPid(LabNode node) =>
        NamespaceProcesses.List(NetNs.PathOf(node.Netns))
            .Where(pid => ProcessTable.IsAlive(pid) && ProcessTable.CommandLine(pid) is [var program, ..] && Path.GetFileName(program) == "plexus-agent")
            .Select(pid => (int?)pid)
            .FirstOrDefault();

    private static async Task<(bool Ready, IReadOnlyList<AgentEndpoint> Endpoints)> AskAsync(LabNode node, CancellationToken cancellationToken)
    {
        using var client = new AgentClient(node.Socket, AgentTimeout);
        bool ready;
        try
        {
            ready = (await client.HealthAsync(cancellationToken).ConfigureAwait(false)).Code == 200;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (false, []);
        }

        try
        {
            return (ready, await client.EndpointsAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
        {
            return (ready, []);
        }
    }
}
