using System.Net;
using Plexus.Flows;

namespace Plexus.Agent.Flows;

/// <summary>What the decoder asks the node's state to turn a datapath event into a Hubble flow.</summary>
public interface IFlowResolver
{
    /// <summary>The node that observes the flows, <c>cluster/node</c>.</summary>
    string NodeName { get; }

    /// <summary>The side with address <paramref name="address"/> and identity <paramref name="identity"/>: pod, namespace, labels.</summary>
    FlowEndpoint Endpoint(IPAddress address, uint identity);

    /// <summary>The compiler's rule sources behind a policy map entry's rule id, or null when unknown.</summary>
    IReadOnlyList<string>? RuleSources(uint ruleId);

    /// <summary>The rules that make the local endpoint at <paramref name="address"/> default-deny in <paramref name="direction"/> (1 ingress, 2 egress).</summary>
    IReadOnlyList<string> EnforcedBy(IPAddress address, int direction);

    /// <summary>The Service whose frontend has reverse-NAT id <paramref name="serviceId"/>, or null.</summary>
    FlowService? Service(ushort serviceId);
}
