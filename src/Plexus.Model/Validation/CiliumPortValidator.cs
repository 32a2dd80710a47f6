using System.Text.RegularExpressions;

namespace Plexus.Model;

/// <summary>Reads the L4/L7 parts of Cilium rules: <c>toPorts</c> (ports, HTTP and DNS rules, TLS, listener) and <c>icmps</c>.</summary>
internal static partial class CiliumPortValidator
{
    private static readonly string[] MismatchActions = ["LOG", "ADD", "DELETE", "REPLACE"];
    private static readonly string[] EnvoyConfigKinds = ["CiliumEnvoyConfig", "CiliumClusterwideEnvoyConfig"];
    private static readonly string[] Families = ["IPv4", "IPv6"];
    private static readonly string[] L7Fields = ["rules", "serverNames", "terminatingTLS", "originatingTLS", "listener"];

    /// <summary>Reads one <c>toPorts</c> entry of <paramref name="section"/>.</summary>
    public static CiliumPortRule ReadPortRule(ObjectReader entry, CiliumSection section)
    {
        var ports = entry.Objects("ports").Select(ReadPort).ToList();
        var rules = entry.Object("rules") is { } r ? ReadL7(r, section, ports) : null;
        var serverNames = entry.Strings("serverNames", ServerNameReason);
        var terminating = entry.Object("terminatingTLS") is { } t ? ReadTls(t) : null;
        var originating = entry.Object("originatingTLS") is { } o ? ReadTls(o) : null;
        var listener = entry.Object("listener") is { } l ? ReadListener(l) : null;
        if (section.Deny)
        {
            foreach (var field in L7Fields.Where(entry.Has))
            {
                entry.Error(field, $"{field} is not allowed in {section.Name}: deny rules match on L3/L4 only and cannot carry L7 rules");
            }
        }

        return new CiliumPortRule
        {
            Ports = ports,
            Rules = rules,
            ServerNames = serverNames,
            TerminatingTls = terminating,
            OriginatingTls = originating,
            Listener = listener,
        };
    }

    /// <summary>Reads a DNS name or pattern (<c>toFQDNs[]</c>, <c>rules.dns[]</c>).</summary>
    public static FqdnSelector ReadFqdn(ObjectReader entry)
    {
        var name = entry.String("matchName", check: v => v.Length <= 255 && FqdnName().IsMatch(v) ? null : $"invalid matchName \"{v}\": use letters, digits, '-', '_' and '.'");
        var pattern = entry.String("matchPattern", check: v => v.Length <= 255 && FqdnPattern().IsMatch(v) ? null : $"invalid matchPattern \"{v}\": use letters, digits, '-', '_', '.' and '*'");
        if (!entry.Has("matchName") && !entry.Has("matchPattern"))
        {
            entry.ErrorHere("one of matchName or matchPattern is required");
        }

        return new FqdnSelector(name, pattern);
    }

    /// <summary>Reads one <c>icmps</c> entry.</summary>
    public static IcmpRule ReadIcmpRule(ObjectReader entry)
    {
        var fields = new List<IcmpField>();
        foreach (var field in entry.Objects("fields", required: true))
        {
            var family = field.Enum("family", Families) == "IPv6" ? IpFamily.IPv6 : IpFamily.IPv4;
            if (ReadIcmpType(field, family) is { } type)
            {
                fields.Add(new IcmpField(family, type));
            }
        }

        return new IcmpRule { Fields = fields };
    }

    private static CiliumPort ReadPort(ObjectReader entry)
    {
        var port = PortValues.Read(entry, "port", cilium: true);
        var endPort = PortValues.ReadEndPort(entry, port);
        var protocol = PortValues.Protocol(entry.Enum("protocol", PortValues.CiliumProtocols)) ?? PortProtocol.Any;
        return new CiliumPort { Port = port, EndPort = endPort, Protocol = protocol };
    }

    private static L7Rules ReadL7(ObjectReader rules, CiliumSection section, List<CiliumPort> ports)
    {
        var http = rules.Objects("http").Select(ReadHttp).ToList();
        var dns = rules.Objects("dns").Select(ReadFqdn).ToList();
        if (rules.Has("http") && rules.Has("dns"))
        {
            rules.Error("dns", "http and dns rules cannot be combined in one port rule");
        }

        if (rules.Has("dns") && !section.Egress)
        {
            rules.Error("dns", "DNS rules are only supported in egress rules");
        }

        if (rules.Has("http") && ports.Any(p => p.Protocol is not (PortProtocol.Tcp or PortProtocol.Any)))
        {
            rules.Error("http", "HTTP rules need ports with protocol TCP or ANY");
        }

        return new L7Rules { Http = http, Dns = dns };
    }

    private static HttpRule ReadHttp(ObjectReader rule) => new()
    {
        Method = rule.String("method", check: RegexReason),
        Path = rule.String("path", check: RegexReason),
        Host = rule.String("host", check: RegexReason),
        Headers = rule.Strings("headers"),
        HeaderMatches = [.. rule.Objects("headerMatches").Select(ReadHeaderMatch)],
    };

    private static HeaderMatch ReadHeaderMatch(ObjectReader match)
    {
        var name = match.String("name", required: true) ?? "";
        var value = match.String("value");
        var secret = match.Object("secret") is { } s ? ReadSecret(s) : null;
        var mismatch = match.Enum("mismatch", MismatchActions) switch
        {
            "LOG" => HeaderMismatchAction.Log,
            "ADD" => HeaderMismatchAction.Add,
            "DELETE" => HeaderMismatchAction.Delete,
            "REPLACE" => HeaderMismatchAction.Replace,
            _ => (HeaderMismatchAction?)null,
        };
        return new HeaderMatch { Name = name, Value = value, Secret = secret, Mismatch = mismatch };
    }

    private static TlsContext ReadTls(ObjectReader tls) => new()
    {
        Secret = tls.Object("secret", required: true) is { } s ? ReadSecret(s) : new SecretReference(null, ""),
        TrustedCA = tls.String("trustedCA"),
        Certificate = tls.String("certificate"),
        PrivateKey = tls.String("privateKey"),
    };

    private static SecretReference ReadSecret(ObjectReader secret) => new(
        secret.String("namespace", check: v => NameSyntax.Dns1123Label(v) is { } p ? $"invalid namespace: {p}" : null),
        secret.String("name", required: true, v => NameSyntax.Dns1123Subdomain(v) is { } p ? $"invalid name: {p}" : null) ?? "");

    private static ListenerReference ReadListener(ObjectReader listener)
    {
        string? kind = null;
        string? configName = null;
        if (listener.Object("envoyConfig", required: true) is { } config)
        {
            kind = config.Enum("kind", EnvoyConfigKinds, required: true);
            configName = config.String("name", required: true);
        }

        return new ListenerReference
        {
            EnvoyConfigKind = kind ?? "",
            EnvoyConfigName = configName ?? "",
            Name = listener.String("name", required: true) ?? "",
            Priority = listener.Int("priority", min: 1, max: 100),
        };
    }

    private static int? ReadIcmpType(ObjectReader field, IpFamily family)
    {
        var node = field.Get("type");
        var path = field.PathOf("type");
        switch (node)
        {
            case null:
                field.Missing("type");
                return null;
            case ScalarNode { Type: ScalarType.Integer } number:
                if (number.Integer is not (>= 0 and <= 255))
                {
                    field.Scope.Error(path, node, $"ICMP type must be between 0 and 255, got {number.Text}");
                    return null;
                }

                field.Write("type", (int)number.Integer.Value);
                return (int)number.Integer.Value;
            case ScalarNode { Type: ScalarType.String } name:
                var names = family == IpFamily.IPv6 ? IcmpTypes.IPv6 : IcmpTypes.IPv4;
                if (!names.TryGetValue(name.Text, out var type))
                {
                    field.Scope.Error(path, node, $"unknown {(family == IpFamily.IPv6 ? "ICMPv6" : "ICMP")} type \"{name.Text}\"{Suggestions.DidYouMean(name.Text, names.Keys)}");
                    return null;
                }

                field.Write("type", name.Text);
                return type;
            default:
                field.Scope.Error(path, node, Scalars.Expected("an ICMP type number (0-255) or name", node));
                return null;
        }
    }

    /// <summary>Checks that a regex compiles; non-backtracking mode rejects what Cilium's RE2 engine rejects too (backreferences, lookarounds).</summary>
    private static string? RegexReason(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"invalid regular expression \"{pattern}\": {e.Message}";
        }
        catch (NotSupportedException e)
        {
            return $"unsupported regular expression \"{pattern}\": {e.Message}";
        }
    }

    private static string? ServerNameReason(string value) =>
        value.Length <= 253 && ServerName().IsMatch(value) ? null : $"invalid server name \"{value}\": expected a DNS name, optionally starting with \"*.\"";

    [GeneratedRegex(@"^[-a-zA-Z0-9_]+(\.[-a-zA-Z0-9_]+)*\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex FqdnName();

    [GeneratedRegex(@"^[-a-zA-Z0-9_*]+(\.[-a-zA-Z0-9_*]+)*\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex FqdnPattern();

    [GeneratedRegex(@"^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServerName();
}
