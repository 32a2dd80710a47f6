using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>Reads ports given as a number or a name, protocols, and port ranges.</summary>
internal static class PortValues
{
    /// <summary>Kubernetes protocols.</summary>
    public static readonly string[] KubernetesProtocols = ["TCP", "UDP", "SCTP"];

    /// <summary>Cilium protocols (ICMP and ICMPV6 accepted as Cilium does).</summary>
    public static readonly string[] CiliumProtocols = ["TCP", "UDP", "SCTP", "ANY", "ICMP", "ICMPV6"];

    /// <summary>Maps protocol text to the enum.</summary>
    public static PortProtocol? Protocol(string? text) => text switch
    {
        "TCP" => PortProtocol.Tcp,
        "UDP" => PortProtocol.Udp,
        "SCTP" => PortProtocol.Sctp,
        "ANY" => PortProtocol.Any,
        "ICMP" => PortProtocol.Icmp,
        "ICMPV6" => PortProtocol.IcmpV6,
        _ => null,
    };

    /// <summary>
    /// Reads a port: an integer 1–65535 or an IANA port name. With <paramref name="cilium"/> the value may also be a
    /// numeric string (Cilium's field is a string) and is written as a string; otherwise a quoted number is a
    /// (bad) name, as in Kubernetes' int-or-string.
    /// </summary>
    public static PortRef? Read(ObjectReader reader, string name, bool cilium, bool required = false)
    {
        var node = reader.Get(name);
        if (node is null)
        {
            if (required)
            {
                reader.Missing(name);
            }

            return null;
        }

        var path = reader.PathOf(name);
        var hint = cilium ? " (omit the port to match every port)" : "";
        switch (node)
        {
            case ScalarNode { Type: ScalarType.Integer } integer:
                if (integer.Integer is not (>= 1 and <= 65535))
                {
                    reader.Scope.Error(path, node, $"port must be between 1 and 65535, got {integer.Text}{hint}");
                    return null;
                }

                reader.Write(name, cilium ? JsonValue.Create(integer.Text) : JsonValue.Create((int)integer.Integer.Value));
                return PortRef.FromNumber((int)integer.Integer.Value);
            case ScalarNode { Type: ScalarType.String } text when cilium && text.Text.Length > 0 && text.Text.All(char.IsAsciiDigit):
                if (!int.TryParse(text.Text, out var number) || number is < 1 or > 65535)
                {
                    reader.Scope.Error(path, node, $"port must be between 1 and 65535, got {text.Text}{hint}");
                    return null;
                }

                reader.Write(name, text.Text);
                return PortRef.FromNumber(number);
            case ScalarNode { Type: ScalarType.String } text:
                if (NameSyntax.IanaServiceName(text.Text) is { } problem)
                {
                    var quoted = text.Text.Length > 0 && text.Text.All(char.IsAsciiDigit) ? " (write a port number without quotes)" : "";
                    reader.Scope.Error(path, node, problem + quoted);
                    return null;
                }

                reader.Write(name, text.Text);
                return PortRef.FromName(text.Text);
            default:
                reader.Scope.Error(path, node, Scalars.Expected("a port number or name", node));
                return null;
        }
    }

    /// <summary>Reads <c>endPort</c> and checks it against the port already read (numeric, and not below it).</summary>
    public static int? ReadEndPort(ObjectReader reader, PortRef? port)
    {
        var portWritten = reader.Has("port");
        var endPort = reader.Int("endPort", min: 1, max: 65535);
        if (endPort is not { } end)
        {
            return null;
        }

        if (!portWritten)
        {
            reader.Error("endPort", "endPort requires port (the first port of the range)");
        }
        else if (port is { IsNamed: true })
        {
            reader.Error("endPort", $"endPort cannot be used with a named port (\"{port.Name}\"); give a port number");
        }
        else if (port?.Number is { } start && end < start)
        {
            reader.Error("endPort", $"endPort ({end}) must be greater than or equal to port ({start})");
        }

        return end;
    }
}
