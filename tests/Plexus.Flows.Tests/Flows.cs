namespace Plexus.Flows.Tests;

/// <summary>Flows to test with.</summary>
internal static class Flows
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static FlowEndpoint Pod(string ns, string name, uint identity, params string[] labels) => new()
    {
        Identity = identity,
        Namespace = ns,
        PodName = name,
        ClusterName = "c1",
        Labels = [.. labels.Select(l => "k8s:" + l), $"k8s:io.kubernetes.pod.namespace={ns}"],
    };

    public static Flow Tcp(FlowEndpoint from, FlowEndpoint to, int dport, string verdict = "FORWARDED", int reason = 0, int seconds = 0) => new()
    {
        Time = T0.AddSeconds(seconds),
        Verdict = verdict,
        DropReason = reason,
        DropReasonDesc = reason == 0 ? null : FlowNames.DropReasonName(reason),
        IP = new FlowIp("10.1.0.2", "10.1.1.2", "IPv4"),
        L4 = new FlowLayer4 { Tcp = new FlowPorts(40000, dport, FlowTcpFlags.FromByte(0x02)) },
        Source = from,
        Destination = to,
        NodeName = "c1/n1",
        EventType = reason == 0 ? new FlowEventType(4, 101) : new FlowEventType(1, reason),
        TrafficDirection = "INGRESS",
        TraceObservationPoint = "TO_ENDPOINT",
        Summary = "TCP Flags: SYN",
    };
}
