using System.Diagnostics;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Agents;
using Plexus.Model;

namespace Plexus.Lab.Runtime;

/// <summary>Asks a node's agent to plumb a pod (<c>POST /v1/endpoints</c>), the way a kubelet's CNI call would.</summary>
public static class LabEndpoints
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The request for <paramref name="pod"/>: its labels, its namespace's labels, its netns and declared ports.</summary>
    public static EndpointRequest Request(LabInstance lab, LabPod pod) => new(
        pod.Namespace, pod.Name, pod.Labels, lab.NamespaceLabels(pod), NetNs.PathOf(lab.Netns(pod)),
        [.. pod.Serve.Select(p => new EndpointPort(p.Port, p.Protocol, p.Name))]);

    /// <summary>
    /// Creates (or finds: the call is idempotent) the endpoint of <paramref name="pod"/>, retrying while the agent is
    /// unreachable or answers 503 (datapath not ready). A refusal (400, 404, …) or no endpoint within
    /// <paramref name="timeout"/> throws a <see cref="LabException"/> saying what the agent answered last.
    /// </summary>
    public static async Task<AgentEndpoint> EnsureAsync(LabInstance lab, LabPod pod, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var node = lab.NodeOf(pod);
        var request = Request(lab, pod);
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        using var client = new AgentClient(node.Socket);
        while (true)
        {
            try
            {
                var result = await client.CreateEndpointAsync(request, cancellationToken).ConfigureAwait(false);
                switch (result.Code)
                {
                    case 200 or 201 when result.Endpoint is { } endpoint:
                        return endpoint;
                    case 503:
                        last = $"503 {result.Error}";
                        break;
                    case 404:
                        throw new LabException($"agent {node.FullName} does not serve POST /v1/endpoints (404): rebuild it with ./build.sh build");
                    default:
                        throw new LabException($"agent {node.FullName} refused endpoint {pod.FullName}: {result.Code} {result.Error}");
                }
            }
            catch (HttpRequestException e)
            {
                last = $"agent unreachable: {e.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "agent did not answer in time";
            }

            if (clock.Elapsed > timeout)
            {
                throw new LabException($"endpoint {pod.FullName}: agent {node.FullName} gave none within {timeout.TotalSeconds:0} s (last: {last})");
            }

            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        }
    }
}
