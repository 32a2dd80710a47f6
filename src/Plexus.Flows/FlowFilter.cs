using System.Globalization;
using System.Net;

namespace Plexus.Flows;

/// <summary>
/// One set of <c>hubble observe</c> conditions: every kind given must match (AND), any value of a kind may match (OR).
/// Kinds are the CLI flag names without dashes (<c>pod</c>, <c>from-pod</c>, <c>to-ip</c>, <c>verdict</c>, …); the
/// unprefixed ones match either side. An empty filter matches every flow.
/// </summary>
public sealed class FlowFilter
{
    /// <summary>Every kind, in the order errors and help list them.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        "pod", "from-pod", "to-pod", "namespace", "from-namespace", "to-namespace", "label", "from-label", "to-label",
        "ip", "from-ip", "to-ip", "port", "from-port", "to-port", "identity", "from-identity", "to-identity",
        "protocol", "verdict", "type", "node-name", "drop-reason",
    ];

    /// <summary>Values of <c>--type</c>.</summary>
    public static IReadOnlyList<string> Types { get; } = ["drop", "trace", "policy-verdict"];

    private readonly Dictionary<string, List<string>> _values;

    private FlowFilter(Dictionary<string, List<string>> values) => _values = values;

    /// <summary>The filter that matches everything.</summary>
    public static FlowFilter Empty { get; } = new([]);

    /// <summary>True when no condition is set.</summary>
    public bool IsEmpty => _values.Count == 0;

    /// <summary>The conditions as (kind, value) pairs, kinds in <see cref="Kinds"/> order.</summary>
    public IEnumerable<(string Kind, string Value)> Conditions =>
        Kinds.Where(_values.ContainsKey).SelectMany(k => _values[k].Select(v => (k, v)));

    /// <summary>Builds a filter; every bad condition is reported as <c>--kind value: reason</c> in <paramref name="errors"/>.</summary>
    public static FlowFilter Create(IEnumerable<(string Kind, string Value)> conditions, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(errors);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (kind, raw) in conditions)
        {
            var value = raw.Trim();
            if (!Kinds.Contains(kind))
            {
                errors.Add($"--{kind}: unknown filter (known: {string.Join(", ", Kinds)})");
                continue;
            }

            if (Validate(kind, value) is { } reason)
            {
                errors.Add($"--{kind} {raw}: {reason}");
                continue;
            }

            if (!values.TryGetValue(kind, out var list))
            {
                values[kind] = list = [];
            }

            list.Add(kind is "verdict" ? value.ToUpperInvariant() : kind is "protocol" or "type" ? value.ToLowerInvariant() : value);
        }

        return new FlowFilter(values);
    }

    /// <summary>True when <paramref name="flow"/> meets every condition.</summary>
    public bool Matches(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        foreach (var (kind, values) in _values)
        {
            if (!values.Any(v => Matches(kind, v, flow)))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Validate(string kind, string value)
    {
        if (value.Length == 0)
        {
            return "a value is required";
        }

        switch (kind)
        {
            case "ip" or "from-ip" or "to-ip":
                return IPAddress.TryParse(value, out _) || IPNetwork.TryParse(value, out _) ? null : "not an IP address or CIDR";
            case "port" or "from-port" or "to-port":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 ? null : "not a port (0-65535)";
            case "identity" or "from-identity" or "to-identity":
                return uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : "not an identity number";
            case "drop-reason":
                return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    || Enumerable.Range(1, 255).Any(r => FlowNames.DropReasonName(r).Equals(value, StringComparison.OrdinalIgnoreCase))
                    ? null : "not a drop reason number or name";
            case "protocol":
                return value.ToLowerInvariant() is "tcp" or "udp" or "icmp" or "icmpv4" ? null : "not one of tcp, udp, icmp";
            case "verdict":
                return FlowNames.VerdictNames.Contains(value.ToUpperInvariant()) ? null : $"not one of {string.Join(", ", FlowNames.VerdictNames.Skip(1))}";
            case "type":
                return Types.Contains(value.ToLowerInvariant()) ? null : $"not one of {string.Join(", ", Types)}";
            case "label" or "from-label" or "to-label":
                return value.Split(',').Any(r => r.Trim().Length == 0) ? "empty label requirement" : null;
            default:
                return null;
        }
    }

    private static bool Matches(string kind, string value, Flow flow) => kind switch
    {
        "pod" => PodMatches(value, flow.Source) || PodMatches(value, flow.Destination),
        "from-pod" => PodMatches(value, flow.Source),
        "to-pod" => PodMatches(value, flow.Destination),
        "namespace" => flow.Source?.Namespace == value || flow.Destination?.Namespace == value,
        "from-namespace" => flow.Source?.Namespace == value,
        "to-namespace" => flow.Destination?.Namespace == value,
        "label" => LabelsMatch(value, flow.Source) || LabelsMatch(value, flow.Destination),
        "from-label" => LabelsMatch(value, flow.Source),
        "to-label" => LabelsMatch(value, flow.Destination),
        "ip" => IpMatches(value, flow.IP?.Source) || IpMatches(value, flow.IP?.Destination),
        "from-ip" => IpMatches(value, flow.IP?.Source),
        "to-ip" => IpMatches(value, flow.IP?.Destination),
        "port" => PortIs(value, flow.L4?.Ports?.SourcePort) || PortIs(value, flow.L4?.Ports?.DestinationPort),
        "from-port" => PortIs(value, flow.L4?.Ports?.SourcePort),
        "to-port" => PortIs(value, flow.L4?.Ports?.DestinationPort),
        "identity" => IdentityIs(value, flow.Source) || IdentityIs(value, flow.Destination),
        "from-identity" => IdentityIs(value, flow.Source),
        "to-identity" => IdentityIs(value, flow.Destination),
        "protocol" => flow.L4?.Protocol == (value == "icmpv4" ? "icmp" : value),
        "verdict" => flow.Verdict == value,
        "type" => TypeIs(value, flow),
        "node-name" => NodeMatches(value, flow.NodeName),
        "drop-reason" => flow.DropReason != 0 && (flow.DropReason.ToString(CultureInfo.InvariantCulture) == value
            || string.Equals(flow.DropReasonDesc, value, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    /// <summary><c>ns/prefix</c> matches pods of ns whose name starts with prefix; <c>prefix</c> matches in any namespace.</summary>
    private static bool PodMatches(string value, FlowEndpoint? endpoint)
    {
        if (endpoint?.PodName is not { } pod)
        {
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? pod.StartsWith(value, StringComparison.Ordinal)
            : endpoint.Namespace == value[..slash] && pod.StartsWith(value[(slash + 1)..], StringComparison.Ordinal);
    }

    /// <summary>Selector syntax: <c>k=v,k2,!k3</c>; a key without a source (<c>app</c>) matches any source (<c>k8s:app</c>).</summary>
    private static bool LabelsMatch(string selector, FlowEndpoint? endpoint)
    {
        if (endpoint is null)
        {
            return false;
        }

        foreach (var raw in selector.Split(','))
        {
            var requirement = raw.Trim();
            var negated = requirement.StartsWith('!');
            if (negated)
            {
                requirement = requirement[1..];
            }

            var eq = requirement.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? requirement : requirement[..eq];
            var value = eq < 0 ? null : requirement[(eq + 1)..];
            var present = endpoint.Labels.Any(label => LabelIs(label, key, value));
            if (present == negated)
            {
                return false;
            }
        }

        return true;
    }

    private static bool LabelIs(string label, string key, string? value)
    {
        var eq = label.IndexOf('=', StringComparison.Ordinal);
        var labelKey = eq < 0 ? label : label[..eq];
        var labelValue = eq < 0 ? "" : label[(eq + 1)..];
        var keyMatches = labelKey == key || (!key.Contains(':', StringComparison.Ordinal) && labelKey.EndsWith(":" + key, StringComparison.Ordinal));
        return keyMatches && (value is null || labelValue == value);
    }

    private static bool IpMatches(string value, string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip))
        {
            return false;
        }

        return IPAddress.TryParse(value, out var exact) ? exact.Equals(ip) : IPNetwork.Parse(value).Contains(ip);
    }

    private static bool PortIs(string value, int? port) => port is { } p && p.ToString(CultureInfo.InvariantCulture) == value;

    private static bool IdentityIs(string value, FlowEndpoint? endpoint) =>
        endpoint is not null && endpoint.Identity.ToString(CultureInfo.InvariantCulture) == value;

    private static bool TypeIs(string value, Flow flow) => value switch
    {
        "drop" => flow.EventType?.Type == 1,
        "trace" => flow.EventType?.Type == 4,
        "policy-verdict" => flow.EgressAllowedBy is not null || flow.IngressAllowedBy is not null
            || flow.EgressDeniedBy is not null || flow.IngressDeniedBy is not null || flow.DropReason is 133 or 181,
        _ => false,
    };

    private static bool NodeMatches(string value, string? node) =>
        node is not null && (node == value || node.EndsWith("/" + value, StringComparison.Ordinal)
            || (value.EndsWith('*') && node.StartsWith(value[..^1], StringComparison.Ordinal)));
}
