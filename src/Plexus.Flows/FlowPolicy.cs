using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Hubble's <c>Policy</c>: a policy that allowed or denied a flow.</summary>
/// <param name="Name">Policy name.</param>
/// <param name="Namespace">Namespace (empty for cluster-wide policies).</param>
/// <param name="Kind">CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or NetworkPolicy.</param>
public sealed record FlowPolicy(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("kind")] string Kind)
{
    /// <summary>
    /// The policies named by compiler rule sources (<c>Kind/ns/name rule#0 …</c> or <c>Kind/name rule#0 …</c> for
    /// cluster-wide kinds), distinct, in order; sources of another shape are skipped.
    /// </summary>
    public static IReadOnlyList<FlowPolicy> FromSources(IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var result = new List<FlowPolicy>();
        foreach (var source in sources)
        {
            var reference = source.Split(' ', 2)[0];
            var parts = reference.Split('/');
            var policy = parts.Length switch
            {
                3 => new FlowPolicy(parts[2], parts[1], parts[0]),
                2 => new FlowPolicy(parts[1], "", parts[0]),
                _ => null,
            };
            if (policy is not null && !result.Contains(policy))
            {
                result.Add(policy);
            }
        }

        return result;
    }

    /// <summary><c>Kind/ns/name</c> or <c>Kind/name</c>.</summary>
    public override string ToString() => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}
