using System.Globalization;
using System.Text;

namespace Plexus.Flows;

/// <summary>Human formats of <c>plexus observe</c>: Hubble's compact line and table rows.</summary>
public static class FlowFormatter
{
    /// <summary>The table's column headings.</summary>
    public static IReadOnlyList<string> TableColumns { get; } = ["TIME", "SOURCE", "DESTINATION", "TYPE", "VERDICT", "SUMMARY"];

    /// <summary>
    /// Hubble's compact line: <c>Nov 21 10:40:01.123: x/a:40312 (ID:65792) -> x/b:80 (ID:65793) Policy denied DROPPED (TCP Flags: SYN)</c>,
    /// plus the deciding policies when known.
    /// </summary>
    public static string Compact(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var line = new StringBuilder();
        line.Append(Time(flow.Time)).Append(": ")
            .Append(Side(flow.Source, flow.IP?.Source, flow.L4?.Ports?.SourcePort))
            .Append(" -> ")
            .Append(Side(flow.Destination, flow.IP?.Destination, flow.L4?.Ports?.DestinationPort))
            .Append(' ').Append(What(flow))
            .Append(' ').Append(flow.Verdict);
        if (flow.Summary is { Length: > 0 } summary)
        {
            line.Append(" (").Append(summary).Append(')');
        }

        if (Deciding(flow) is { Length: > 0 } policies)
        {
            line.Append(" by ").Append(policies);
        }

        return line.ToString();
    }

    /// <summary>The cells of one table row, in <see cref="TableColumns"/> order.</summary>
    public static IReadOnlyList<string> Row(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var summary = flow.Summary ?? "";
        if (Deciding(flow) is { Length: > 0 } policies)
        {
            summary += $" by {policies}";
        }

        return
        [
            Time(flow.Time),
            Side(flow.Source, flow.IP?.Source, flow.L4?.Ports?.SourcePort),
            Side(flow.Destination, flow.IP?.Destination, flow.L4?.Ports?.DestinationPort),
            What(flow),
            flow.Verdict,
            summary.Trim(),
        ];
    }

    /// <summary><c>Nov 21 10:40:01.123</c> in UTC.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("MMM dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>The policies that decided, <c>Kind/ns/name</c> joined by commas.</summary>
    public static string Deciding(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var policies = (flow.EgressDeniedBy ?? []).Concat(flow.IngressDeniedBy ?? [])
            .Concat(flow.EgressAllowedBy ?? []).Concat(flow.IngressAllowedBy ?? []).Distinct();
        return string.Join(", ", policies.Select(p => p.ToString()));
    }

    private static string What(Flow flow) => flow.EventType?.Type == 1
        ? FlowNames.DropReasonDescription(flow.DropReason)
        : (flow.TraceObservationPoint ?? "trace").ToLowerInvariant().Replace('_', '-');

    private static string Side(FlowEndpoint? endpoint, string? ip, int? port)
    {
        var where = endpoint?.PodRef ?? ip ?? "?";
        if (port is { } p && p != 0)
        {
            where += ":" + p.ToString(CultureInfo.InvariantCulture);
        }

        if (endpoint is null)
        {
            return where;
        }

        var reserved = endpoint.Labels.FirstOrDefault(l => l.StartsWith("reserved:", StringComparison.Ordinal));
        return endpoint.PodName is null && reserved is not null
            ? $"{where} ({reserved["reserved:".Length..]})"
            : $"{where} (ID:{endpoint.Identity.ToString(CultureInfo.InvariantCulture)})";
    }
}
