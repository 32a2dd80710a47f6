using System.Text;
using Plexus.Model;

namespace Plexus.Lab.Runtime;

/// <summary>A canonical text of what a topology builds, so two files that describe the same lab compare equal (comments, order of keys and spelling of ports aside).</summary>
public static class LabFingerprint
{
    /// <summary>The canonical text of <paramref name="lab"/>.</summary>
    public static string Of(LabTopology lab)
    {
        var text = new StringBuilder().Append("lab ").Append(lab.Name).Append('\n');
        foreach (var c in lab.Clusters)
        {
            text.Append($"cluster {c.Name} {c.Id} {c.PodCidr} [{string.Join(' ', c.Nodes)}]{(c.MaglevTableSize is { } m ? $" maglev {m}" : "")}\n");
        }

        foreach (var n in lab.Namespaces)
        {
            text.Append($"namespace {n.Name} {Labels(n.Labels)}\n");
        }

        foreach (var p in lab.Pods)
        {
            text.Append($"pod {p.Cluster}/{p.Namespace}/{p.Name} {p.Node} {Labels(p.Labels)} {Ports(p.Serve)}\n");
        }

        foreach (var e in lab.Externals)
        {
            text.Append($"external {e.Name} {e.Address} {Ports(e.Serve)}\n");
        }

        return text.ToString();
    }

    private static string Labels(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";

    private static string Ports(IReadOnlyList<LabPort> ports) => "[" + string.Join(',', ports.Select(p => $"{p.Port}/{p.Protocol}:{p.Name}")) + "]";
}
