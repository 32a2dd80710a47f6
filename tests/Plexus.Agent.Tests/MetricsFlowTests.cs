using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Agent.Metrics;
using Plexus.Flows;

namespace Plexus.Agent.Tests;

/// <summary>Hubble's flow metrics as Hubble's handlers compute them, and Plexus's policy verdicts, from synthetic flows.</summary>
public sealed class MetricsFlowTests
{
    private static readonly Flow Syn = new()
    {
        Verdict = "FORWARDED",
        IP = new FlowIp("10.1.0.2", "10.1.1.2", "IPv4"),
        L4 = new FlowLayer4 { Tcp = new FlowPorts(40000, 8080, new FlowTcpFlags { Syn = true }) },
        EventType = new FlowEventType(4, 5),
        TraceObservationPoint = "TO_ENDPOINT",
        TrafficDirection = "EGRESS",
        PolicyRules = ["CiliumNetworkPolicy/x/b-from-a rule#0 ingress#0"],
    };

    private static readonly Flow Denied = Syn with
    {
        Verdict = "DROPPED",
        DropReason = 133,
        DropReasonDesc = "POLICY_DENIED",
        EventType = new FlowEventType(1, 133),
        TrafficDirection = "INGRESS",
        PolicyRules = null,
    };

    [Fact]
    public void Flows_count_by_protocol_type_subtype_and_verdict()
    {
        var samples = Scrape(Syn, Syn, Denied, Syn with { L4 = new FlowLayer4 { Udp = new FlowPorts(5000, 53) }, TraceObservationPoint = "FROM_OVERLAY" });

        Assert.Equal(2, MetricsTextFormat.Value(samples, "hubble_flows_processed_total", ("protocol", "TCP"), ("type", "Trace"), ("subtype", "to-endpoint"), ("verdict", "FORWARDED")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_flows_processed_total", ("protocol", "TCP"), ("type", "Drop"), ("subtype", ""), ("verdict", "DROPPED")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_flows_processed_total", ("protocol", "UDP"), ("subtype", "from-overlay")));
    }

    [Fact]
    public void Drops_count_by_reason_name_and_protocol()
    {
        var samples = Scrape(Denied, Denied, Denied with { DropReason = 181, DropReasonDesc = "POLICY_DENY", L4 = new FlowLayer4 { IcmpV4 = new FlowIcmp(8, 0) } });

        Assert.Equal(2, MetricsTextFormat.Value(samples, "hubble_drop_total", ("reason", "POLICY_DENIED"), ("protocol", "TCP")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_drop_total", ("reason", "POLICY_DENY"), ("protocol", "ICMPv4")));
    }

    [Fact]
    public void Tcp_flags_count_only_for_forwarded_flows_with_syn_ack_as_one_flag()
    {
        var synAck = Syn with { L4 = new FlowLayer4 { Tcp = new FlowPorts(8080, 40000, new FlowTcpFlags { Syn = true, Ack = true }) }, IsReply = true };
        var finRst = Syn with { L4 = new FlowLayer4 { Tcp = new FlowPorts(40000, 8080, new FlowTcpFlags { Fin = true, Rst = true, Ack = true }) } };
        var samples = Scrape(Syn, synAck, finRst, Denied);

        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_tcp_flags_total", ("flag", "SYN"), ("family", "IPv4")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_tcp_flags_total", ("flag", "SYN-ACK")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_tcp_flags_total", ("flag", "FIN")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_tcp_flags_total", ("flag", "RST")));
    }

    [Fact]
    public void Port_distribution_counts_forwarded_requests_by_destination_port_not_replies_or_drops()
    {
        var samples = Scrape(Syn, Syn, Syn with { IsReply = true }, Denied, Syn with { L4 = new FlowLayer4 { IcmpV4 = new FlowIcmp(8, 0) } });

        Assert.Equal(2, MetricsTextFormat.Value(samples, "hubble_port_distribution_total", ("protocol", "TCP"), ("port", "8080")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "hubble_port_distribution_total", ("protocol", "ICMPv4"), ("port", "0")));
        Assert.Equal(2, samples.Count(s => s.Name == "hubble_port_distribution_total"));
    }

    [Fact]
    public void Policy_verdicts_are_drops_for_policy_reasons_audits_and_new_connections()
    {
        var audit = Syn with { Verdict = "AUDIT", DropReason = 181, DropReasonDesc = "POLICY_DENY", TrafficDirection = "INGRESS" };
        var open = Syn with { PolicyRules = null };
        var noRoute = Denied with { DropReason = 169, DropReasonDesc = "FIB_LOOKUP_FAILED" };
        var samples = Scrape(Syn, open, open, Denied, audit, noRoute, Syn with { IsReply = true });

        Assert.Equal(1, MetricsTextFormat.Value(samples, "plexus_policy_verdicts_total", ("direction", "EGRESS"), ("verdict", "FORWARDED"), ("reason", "allow-rule")));
        Assert.Equal(2, MetricsTextFormat.Value(samples, "plexus_policy_verdicts_total", ("verdict", "FORWARDED"), ("reason", "allow-all")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "plexus_policy_verdicts_total", ("direction", "INGRESS"), ("verdict", "DROPPED"), ("reason", "POLICY_DENIED")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "plexus_policy_verdicts_total", ("verdict", "AUDIT"), ("reason", "POLICY_DENY")));
        Assert.Equal(4, samples.Count(s => s.Name == "plexus_policy_verdicts_total"));
    }

    [Fact]
    public async Task Flows_added_to_the_ring_reach_the_counters_through_a_follower()
    {
        var observer = new Plexus.Agent.Flows.FlowObserver(16, NullLogger<Plexus.Agent.Flows.FlowObserver>.Instance);
        using var metrics = new FlowMetrics(observer, NullLogger<FlowMetrics>.Instance);
        await metrics.StartAsync(CancellationToken.None);
        try
        {
            // The follower subscribes when the service starts running: add flows until one is counted.
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (Count(metrics) == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "no flow counted within 5 s");
                observer.Ring.Add(Denied);
                await Task.Delay(20);
            }
        }
        finally
        {
            await metrics.StopAsync(CancellationToken.None);
        }

        static double Count(FlowMetrics metrics)
        {
            var writer = new MetricsWriter();
            metrics.Collect(writer);
            return MetricsTextFormat.Parse(writer.Render()).Where(s => s.Name == "hubble_drop_total").Sum(s => s.Value);
        }
    }

    private static List<MetricsTextFormat.Sample> Scrape(params Flow[] flows)
    {
        using var metrics = new FlowMetrics(null, NullLogger<FlowMetrics>.Instance);
        foreach (var flow in flows)
        {
            metrics.Observe(flow);
        }

        var writer = new MetricsWriter();
        metrics.Collect(writer);
        return MetricsTextFormat.Parse(writer.Render());
    }
}
