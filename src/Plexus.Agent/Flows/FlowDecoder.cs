using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Plexus.Datapath.Maps;
using Plexus.Flows;

namespace Plexus.Agent.Flows;

/// <summary>
/// Turns a datapath <see cref="FlowEvent"/> into a Hubble <see cref="Flow"/>: verdict, reason names, addresses, ports,
/// both endpoints with identities and labels, and the policies that decided (from the entry's rule id, or for a
/// default deny the policies that made the direction default-deny).
/// A decoder keeps the addresses it has seen (their <see cref="IPAddress"/> and text) and is used by one thread at a time.
/// </summary>
public sealed class FlowDecoder(IFlowResolver resolver, Func<ulong, DateTimeOffset> clock)
{
    private const byte EventDrop = 1;
    private const byte VerdictAudit = 4;
    private const int AddressCacheLimit = 4096;

    // Parts of a flow that depend on one byte of the event only; flows are immutable, so they are shared.
    private static readonly FlowTcpFlags?[] TcpFlags = new FlowTcpFlags?[256];
    private static readonly string?[] TcpSummaries = new string?[256];

    private readonly Dictionary<(Addr16 Address, byte Family), (IPAddress Address, string Text)> _addresses = new(AddressEquality.Instance);

    /// <summary>A decoder whose clock maps <c>bpf_ktime_get_ns</c> (CLOCK_MONOTONIC, as <see cref="Stopwatch"/> on Linux) to UTC.</summary>
    public static FlowDecoder WithSystemClock(IFlowResolver resolver)
    {
        var offsetNs = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 - MonotonicNs();
        return new FlowDecoder(resolver, ktime => DateTimeOffset.UnixEpoch.AddTicks(((long)ktime + offsetNs) / 100));
    }

    /// <summary>Decodes one event.</summary>
    public Flow Decode(in FlowEvent ev)
    {
        var drop = ev.Type == EventDrop;
        var audit = ev.Verdict == VerdictAudit;
        var (source, sourceText) = Address(ev.SourceAddress, ev.Family);
        var (destination, destinationText) = Address(ev.DestinationAddress, ev.Family);
        var reason = drop || audit ? ev.Reason : 0;
        var sourceEndpoint = resolver.Endpoint(source, ev.SourceIdentity);
        var destinationEndpoint = resolver.Endpoint(destination, ev.DestinationIdentity);
        var (allowed, denied, rules) = Decision(ev, reason, source, destination);
        var egress = ev.Direction == 2;
        return new Flow
        {
            Time = clock(ev.TimeNs),
            Verdict = FlowNames.VerdictName(drop ? 2 : audit ? 4 : 1),
            DropReason = reason,
            DropReasonDesc = reason == 0 ? null : FlowNames.DropReasonName(reason),
            IP = new FlowIp(sourceText, destinationText, ev.Family == 6 ? "IPv6" : "IPv4"),
            L4 = Layer4(ev),
            Source = sourceEndpoint,
            Destination = destinationEndpoint,
            NodeName = resolver.NodeName,
            EventType = drop ? new FlowEventType(1, ev.Reason) : new FlowEventType(4, ev.ObservationPoint),
            TrafficDirection = FlowNames.DirectionName(ev.Direction),
            TraceObservationPoint = FlowNames.TracePointName(ev.ObservationPoint),
            IsReply = ev.IsReply != 0,
            DestinationService = ev.RevNat == 0 ? null : resolver.Service(ev.RevNat),
            EgressAllowedBy = egress ? allowed : null,
            IngressAllowedBy = egress ? null : allowed,
            EgressDeniedBy = egress ? denied : null,
            IngressDeniedBy = egress ? null : denied,
            PolicyRules = rules,
            Summary = Summary(ev),
        };
    }

    /// <summary>Decodes a ring-buffer record (a <c>struct flow_event</c>).</summary>
    public Flow Decode(ReadOnlySpan<byte> record) => Decode(System.Runtime.InteropServices.MemoryMarshal.Read<FlowEvent>(record));

    private (IReadOnlyList<FlowPolicy>? Allowed, IReadOnlyList<FlowPolicy>? Denied, IReadOnlyList<string>? Rules) Decision(
        in FlowEvent ev, int reason, IPAddress source, IPAddress destination)
    {
        var sources = ev.RuleId == 0 ? null : resolver.RuleSources(ev.RuleId);
        if (reason == 181)
        {
            return (null, FlowPolicy.FromSources(sources ?? []), sources);
        }

        if (reason == 133)
        {
            // No entry decided: the policies that made this direction default-deny did.
            var enforcedBy = resolver.EnforcedBy(ev.Direction == 2 ? source : destination, ev.Direction);
            return (null, FlowPolicy.FromSources(enforcedBy), enforcedBy.Count == 0 ? null : enforcedBy);
        }

        return sources is null ? (null, null, null) : (FlowPolicy.FromSources(sources), null, sources);
    }

    private static FlowLayer4? Layer4(in FlowEvent ev)
    {
        var sport = BinaryPrimitives.ReverseEndianness(ev.SourcePort);
        var dport = BinaryPrimitives.ReverseEndianness(ev.DestinationPort);
        return ev.Protocol switch
        {
            6 => new FlowLayer4 { Tcp = new FlowPorts(sport, dport, TcpFlags[ev.TcpFlags] ??= FlowTcpFlags.FromByte(ev.TcpFlags)) },
            17 => new FlowLayer4 { Udp = new FlowPorts(sport, dport) },
            1 => new FlowLayer4 { IcmpV4 = new FlowIcmp(ev.IcmpType, 0) },
            _ => null,
        };
    }

    private static string? Summary(in FlowEvent ev) => ev.Protocol switch
    {
        6 => TcpSummaries[ev.TcpFlags] ??= "TCP Flags: " + string.Join(", ", FlowTcpFlags.FromByte(ev.TcpFlags).Names()),
        17 => "UDP",
        1 => ev.IcmpType switch
        {
            8 => "ICMPv4 EchoRequest",
            0 => "ICMPv4 EchoReply",
            3 => "ICMPv4 DestinationUnreachable",
            11 => "ICMPv4 TimeExceeded",
            _ => $"ICMPv4 type {ev.IcmpType}",
        },
        _ => null,
    };

    /// <summary>The address of an event as <see cref="IPAddress"/> and text, made once per address (a node sees few).</summary>
    private (IPAddress Address, string Text) Address(in Addr16 raw, byte family)
    {
        if (_addresses.TryGetValue((raw, family), out var known))
        {
            return known;
        }

        if (_addresses.Count >= AddressCacheLimit)
        {
            _addresses.Clear();
        }

        var address = raw.ToIPAddress(family);
        var made = (address, address.ToString());
        _addresses[(raw, family)] = made;
        return made;
    }

    private static long MonotonicNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
}

/// <summary>Compares <see cref="Addr16"/> keys by their bytes (an inline array has no value equality of its own).</summary>
internal sealed class AddressEquality : IEqualityComparer<(Addr16 Address, byte Family)>
{
    public static readonly AddressEquality Instance = new();

    public bool Equals((Addr16 Address, byte Family) x, (Addr16 Address, byte Family) y) =>
        x.Family == y.Family && ((ReadOnlySpan<byte>)x.Address).SequenceEqual(y.Address);

    public int GetHashCode((Addr16 Address, byte Family) obj)
    {
        var hash = default(HashCode);
        hash.AddBytes(obj.Address);
        hash.Add(obj.Family);
        return hash.ToHashCode();
    }
}
