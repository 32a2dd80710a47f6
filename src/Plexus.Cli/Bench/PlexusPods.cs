using System.Globalization;
using System.Net;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Agents;
using Plexus.Lab.Runtime;
using Plexus.Lab.Topology;
using Plexus.Model;

namespace Plexus.Cli.Bench;

/// <summary>
/// Pods added to a running lab the way <c>lab up</c> adds them: the caller creates the empty namespace, then
/// <see cref="LabEndpoints.EnsureAsync"/> asks the node's agent to plumb it (<c>POST /v1/endpoints</c>: IPAM, identity,
/// veth and BPF maps, store records); removal is <c>DELETE /v1/endpoints/bench/POD</c>, then the namespace goes.
/// </summary>
public sealed class PlexusPods(LabInstance lab, LabNode node) : BenchPods
{
    private const string Namespace = "bench";
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromSeconds(10);
    private static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string> { ["role"] = "propagation" };

    /// <inheritdoc/>
    public override string Netns(string pod) => LabNames.Pod(lab.Name, node.Cluster.Name, Namespace, pod);

    /// <inheritdoc/>
    public override async Task<IPAddress> PlumbAsync(string pod, int port, CancellationToken cancellationToken)
    {
        var number = port.ToString(CultureInfo.InvariantCulture);
        var labPod = new LabPod(pod, Namespace, node.Cluster.Name, node.Name, Labels, [new LabPort(port, "tcp", $"serve-{number}-tcp")]);
        var endpoint = await LabEndpoints.EnsureAsync(lab, labPod, CreateTimeout, cancellationToken).ConfigureAwait(false);
        return endpoint.Ip is { } ip ? IPAddress.Parse(ip) : throw new BenchException($"agent {node.FullName} gave pod {Namespace}/{pod} no address");
    }

    /// <inheritdoc/>
    public override async Task RemoveAsync(string pod, CancellationToken cancellationToken)
    {
        using var client = new AgentClient(node.Socket, DeleteTimeout);
        try
        {
            var code = await client.DeleteEndpointAsync(Namespace, pod, cancellationToken).ConfigureAwait(false);
            if (code is not (200 or 404))
            {
                throw new BenchException($"agent {node.FullName} answered {code.ToString(CultureInfo.InvariantCulture)} to deleting {Namespace}/{pod}");
            }
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new BenchException($"deleting {Namespace}/{pod} on {node.FullName}: {e.Message}");
        }
        finally
        {
            NetNs.Delete(Netns(pod));
        }
    }
}
