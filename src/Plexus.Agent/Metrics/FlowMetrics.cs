using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Agent.Flows;
using Plexus.Flows;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Hubble's flow metrics, computed as Hubble's handlers do (cilium <c>pkg/hubble/metrics</c>): every flow the node
/// observes counts in <c>hubble_flows_processed_total</c>; drops in <c>hubble_drop_total</c>; forwarded TCP flows'
/// flags in <c>hubble_tcp_flags_total</c>; forwarded non-reply flows' destination ports in
/// <c>hubble_port_distribution_total</c>; policy drops and new connections in <c>plexus_policy_verdicts_total</c>. Flows
/// arrive through a follower of the flow ring with a large queue; what it loses is counted by the ring and shows up in
/// <c>hubble_lost_events_total{source="HUBBLE_RING_BUFFER"}</c> next to the kernel and decoder losses.
/// </summary>
public sealed partial class FlowMetrics : BackgroundService, IMetricsCollector
{
    /// <summary>How many flows may wait for the counters before the follower loses them.</summary>
    public const int QueueCapacity = 65_536;

    private static readonly ConcurrentDictionary<string, string> SubTypes = new(StringComparer.Ordinal);
    private readonly FlowObserver? _observer;
    private readonly ILogger _logger;
    private readonly LabeledCounter<(string Protocol, string Type, string SubType, string Verdict)> _processed =
        new(MetricCatalogue.HubbleFlowsProcessed, k => [k.Protocol, k.Type, k.SubType, k.Verdict]);

    private readonly LabeledCounter<(string Reason, string Protocol)> _drops =
        new(MetricCatalogue.HubbleDrops, k => [k.Reason, k.Protocol]);

    private readonly LabeledCounter<(string Flag, string Family)> _tcpFlags =
        new(MetricCatalogue.HubbleTcpFlags, k => [k.Flag, k.Family]);

    private readonly LabeledCounter<(string Protocol, int Port)> _ports =
        new(MetricCatalogue.HubblePortDistribution, k => [k.Protocol, k.Port.ToString(CultureInfo.InvariantCulture)]);

    private readonly LabeledCounter<(string Direction, string Verdict, string Reason)> _verdicts =
        new(MetricCatalogue.PolicyVerdicts, k => [k.Direction, k.Verdict, k.Reason]);

    /// <summary>Counts the flows of <paramref name="observer"/>'s ring once started.</summary>
    public FlowMetrics(FlowObserver? observer, ILogger<FlowMetrics> logger)
    {
        _observer = observer;
        _logger = logger;
    }

    /// <inheritdoc/>
    public string Name => "flows";

    /// <summary>Counts one flow.</summary>
    public void Observe(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var protocol = Protocol(flow);
        var (type, subType) = TypeOf(flow);
        _processed.Increment((protocol, type, subType, flow.Verdict));
        if (flow.Verdict == "DROPPED")
        {
            _drops.Increment((flow.DropReasonDesc ?? "DROP_REASON_UNKNOWN", protocol));
        }

        if (flow.Verdict == "FORWARDED" && flow.L4?.Tcp?.Flags is { } flags)
        {
            var family = flow.IP?.IpVersion ?? "IP_NOT_USED";
            if (flags.Fin)
            {
                _tcpFlags.Increment(("FIN", family));
            }

            if (flags.Syn)
            {
                _tcpFlags.Increment((flags.Ack ? "SYN-ACK" : "SYN", family));
            }

            if (flags.Rst)
            {
                _tcpFlags.Increment(("RST", family));
            }
        }

        if (flow.Verdict is "FORWARDED" or "REDIRECTED" && !flow.IsReply && flow.L4 is { } l4)
        {
            if (l4.Ports is { } ports)
            {
                _ports.Increment((protocol, ports.DestinationPort));
            }
            else if (l4.IcmpV4 is not null)
            {
                _ports.Increment((protocol, 0));
            }
        }

        if (PolicyVerdict(flow) is { } verdict)
        {
            _verdicts.Increment(verdict);
        }
    }

    /// <inheritdoc/>
    public void Collect(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _processed.WriteTo(writer);
        _drops.WriteTo(writer);
        _tcpFlags.WriteTo(writer);
        _ports.WriteTo(writer);
        _verdicts.WriteTo(writer);
        if (_observer is { Active: true } observer)
        {
            foreach (var lost in observer.Lost())
            {
                writer.Add(MetricCatalogue.HubbleLostEvents, lost.NumEventsLost, lost.Source);
            }
        }
    }

    /// <summary>Hubble's protocol label: TCP, UDP, ICMPv4 or Unknown.</summary>
    public static string Protocol(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.L4 switch
        {
            { Tcp: not null } => "TCP",
            { Udp: not null } => "UDP",
            { IcmpV4: not null } => "ICMPv4",
            _ => "Unknown",
        };
    }

    /// <summary>Hubble's type and subtype labels: <c>Drop</c>, <c>Trace</c> with the observation point (<c>to-endpoint</c>), <c>PolicyVerdict</c>.</summary>
    public static (string Type, string SubType) TypeOf(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.EventType?.Type switch
        {
            1 => ("Drop", string.Empty),
            4 => ("Trace", SubType(flow.TraceObservationPoint)),
            5 => ("PolicyVerdict", string.Empty),
            129 => ("L7", string.Empty),
            { } other => ("Unknown", other.ToString(CultureInfo.InvariantCulture)),
            null => ("Unknown", string.Empty),
        };
    }

    /// <summary>
    /// The policy decision a flow reports, if any: a drop for reason 133 or 181 (or its audit), or a new connection that
    /// passed — <c>allow-rule</c> when a policy entry decided, <c>allow-all</c> when nothing enforces the direction.
    /// </summary>
    public static (string Direction, string Verdict, string Reason)? PolicyVerdict(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var policyReason = flow.DropReason is 133 or 181;
        if (flow.Verdict is "DROPPED" or "AUDIT" && policyReason)
        {
            return (flow.TrafficDirection, flow.Verdict, flow.DropReasonDesc ?? FlowNames.DropReasonName(flow.DropReason));
        }

        if (flow.Verdict == "FORWARDED" && flow.EventType?.Type == 4 && !flow.IsReply)
        {
            return (flow.TrafficDirection, flow.Verdict, flow.PolicyRules is { Count: > 0 } ? "allow-rule" : "allow-all");
        }

        return null;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_observer is null)
        {
            return;
        }

        var (_, follower) = _observer.Ring.Follow(new FlowQuery { Last = 0, Follow = true }, QueueCapacity);
        using (follower)
        {
            LogFollowing(_logger, QueueCapacity);
            try
            {
                await foreach (var flow in follower.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    Observe(flow);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping.
            }
        }
    }

    /// <summary>TO_ENDPOINT → to-endpoint (Hubble's observation point names in metrics).</summary>
    private static string SubType(string? point) =>
        point is null ? string.Empty : SubTypes.GetOrAdd(point, static p => p.ToLowerInvariant().Replace('_', '-'));

    [LoggerMessage(EventId = 1910, Level = LogLevel.Debug, Message = "Flow metrics follow the flow ring (queue of {Capacity} flows)")]
    private static partial void LogFollowing(ILogger logger, int capacity);
}
