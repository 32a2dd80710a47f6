using System.Globalization;
using System.Text;
using Plexus.Cli.Output;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Commands;

/// <summary>The tables <c>lab up</c> and <c>lab status</c> print: nodes, pods and external hosts.</summary>
internal static class LabStatusTables
{
    public static string Render(LabStatus status)
    {
        var nodes = new Table("NODE", "NETNS", "ADDRESS", "AGENT PID", "READY");
        foreach (var n in status.Nodes)
        {
            nodes.Add($"{n.Cluster}/{n.Name}", n.Netns, n.Address, n.AgentPid?.ToString(CultureInfo.InvariantCulture) ?? "-", n.Ready ? "yes" : "no");
        }

        var text = new StringBuilder(nodes.ToString());
        if (status.Pods.Count > 0)
        {
            var pods = new Table("POD", "NODE", "IP", "IDENTITY", "LABELS");
            foreach (var p in status.Pods)
            {
                pods.Add($"{p.Namespace}/{p.Name}", $"{p.Cluster}/{p.Node}", p.Ip ?? "<none>", p.Identity?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    string.Join(',', p.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
            }

            text.Append('\n').Append(pods);
        }

        if (status.Externals.Count > 0)
        {
            var externals = new Table("EXTERNAL", "ADDRESS");
            foreach (var e in status.Externals)
            {
                externals.Add($"ext/{e.Name}", e.Address);
            }

            text.Append('\n').Append(externals);
        }

        return text.ToString();
    }

    /// <summary>Writes <paramref name="status"/> as a table, JSON or YAML.</summary>
    public static Task WriteAsync(TextWriter output, LabStatus status, OutputFormat format) => format switch
    {
        OutputFormat.Json => output.WriteAsync(status.ToJson() + "\n"),
        OutputFormat.Yaml => output.WriteAsync(YamlText.FromJson(System.Text.Json.Nodes.JsonNode.Parse(status.ToJson()))),
        _ => output.WriteAsync(Render(status)),
    };
}
