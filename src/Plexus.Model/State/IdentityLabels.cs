using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Plexus.Model.State;

/// <summary>
/// The label set that makes an identity: labels sorted ordinally by their <c>source:key=value</c> text, one value per
/// source and key. <see cref="Canonical"/> (each label followed by <c>;</c>) is the stored form and compares as the set.
/// </summary>
public sealed class IdentityLabels : IEquatable<IdentityLabels>
{
    /// <summary>Source of Kubernetes-derived labels.</summary>
    public const string KubernetesSource = "k8s";

    /// <summary>Label key carrying the pod's namespace.</summary>
    public const string NamespaceKey = "io.kubernetes.pod.namespace";

    /// <summary>Prefix of the keys that carry the namespace's own labels.</summary>
    public const string NamespaceLabelPrefix = "io.cilium.k8s.namespace.labels.";

    /// <summary>Label key carrying the cluster name.</summary>
    public const string ClusterKey = "io.cilium.k8s.policy.cluster";

    /// <summary>Label key carrying the pod's service account.</summary>
    public const string ServiceAccountKey = "io.cilium.k8s.policy.serviceaccount";

    private const char Terminator = ';';

    private readonly ImmutableArray<IdentityLabel> _labels;

    private IdentityLabels(ImmutableArray<IdentityLabel> sortedLabels)
    {
        _labels = sortedLabels;
        var text = new StringBuilder();
        foreach (var label in sortedLabels)
        {
            text.Append(label.ToString()).Append(Terminator);
        }

        Canonical = text.ToString();
    }

    /// <summary>The empty set.</summary>
    public static IdentityLabels Empty { get; } = new([]);

    /// <summary>The labels in canonical order.</summary>
    public IReadOnlyList<IdentityLabel> Labels => _labels;

    /// <summary>How many labels the set holds.</summary>
    public int Count => _labels.Length;

    /// <summary>The canonical text: every label as <c>source:key=value</c> followed by <c>;</c>, in order (empty for no labels).</summary>
    public string Canonical { get; }

    /// <summary>The SHA-256 of <see cref="Canonical"/> (UTF-8), lowercase hex: a fixed-length name for the set.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical)));

    /// <summary>The reserved identity this set names (exactly one <c>reserved:</c> label), or null.</summary>
    public ReservedIdentity? Reserved =>
        _labels.Length == 1 && _labels[0].Source == IdentityNumbers.ReservedSource && _labels[0].Value.Length == 0
        && IdentityNumbers.TryParseLabelName(_labels[0].Key, out var reserved)
            ? reserved
            : null;

    /// <summary>Builds a set from labels; a later label with the same source and key replaces an earlier one.</summary>
    public static IdentityLabels Create(IEnumerable<IdentityLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var byKey = new Dictionary<(string Source, string Key), IdentityLabel>();
        foreach (var label in labels)
        {
            ArgumentException.ThrowIfNullOrEmpty(label.Source, nameof(labels));
            byKey[(label.Source, label.Key)] = label;
        }

        var sorted = byKey.Values.ToArray();
        Array.Sort(sorted);
        return new IdentityLabels([.. sorted]);
    }

    /// <summary>
    /// The identity labels of a pod: its labels as <c>k8s:key=value</c>, the namespace as
    /// <c>k8s:io.kubernetes.pod.namespace=&lt;ns&gt;</c>, the namespace's labels as
    /// <c>k8s:io.cilium.k8s.namespace.labels.&lt;key&gt;=&lt;value&gt;</c>, the service account (when given) as
    /// <c>k8s:io.cilium.k8s.policy.serviceaccount=&lt;sa&gt;</c> and the cluster as <c>k8s:io.cilium.k8s.policy.cluster=&lt;name&gt;</c>.
    /// </summary>
    public static IdentityLabels ForPod(
        string cluster,
        string @namespace,
        IReadOnlyDictionary<string, string> podLabels,
        IReadOnlyDictionary<string, string>? namespaceLabels = null,
        string? serviceAccount = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentNullException.ThrowIfNull(podLabels);
        var labels = podLabels.Select(l => new IdentityLabel(KubernetesSource, l.Key, l.Value)).ToList();
        labels.AddRange((namespaceLabels ?? ImmutableDictionary<string, string>.Empty)
            .Select(l => new IdentityLabel(KubernetesSource, NamespaceLabelPrefix + l.Key, l.Value)));
        labels.Add(new IdentityLabel(KubernetesSource, NamespaceKey, @namespace));
        if (!string.IsNullOrEmpty(serviceAccount))
        {
            labels.Add(new IdentityLabel(KubernetesSource, ServiceAccountKey, serviceAccount));
        }

        labels.Add(new IdentityLabel(KubernetesSource, ClusterKey, cluster));
        return Create(labels);
    }

    /// <summary>The single-label set of a reserved identity: <c>reserved:host</c>, <c>reserved:world</c>, …</summary>
    public static IdentityLabels ForReserved(ReservedIdentity identity) =>
        Create([new IdentityLabel(IdentityNumbers.ReservedSource, IdentityNumbers.LabelName(identity), string.Empty)]);

    /// <summary>Parses the canonical text (also accepts labels out of order or without the final <c>;</c>); false when malformed.</summary>
    public static bool TryParse(string canonical, [NotNullWhen(true)] out IdentityLabels? labels)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        labels = null;
        var parsed = new List<IdentityLabel>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in canonical.Split(Terminator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IdentityLabel.TryParse(part, out var label) || !seen.Add(label.SourcedKey))
            {
                return false;
            }

            parsed.Add(label);
        }

        labels = Create(parsed);
        return true;
    }

    /// <summary>The labels as a map from sourced key (<c>k8s:app</c>) to value, the shape label selectors match against.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary() =>
        _labels.ToDictionary(l => l.SourcedKey, l => l.Value, StringComparer.Ordinal);

    /// <summary>The labels as strings in canonical order.</summary>
    public IReadOnlyList<string> ToStrings() => _labels.Select(l => l.ToString()).ToList();

    /// <inheritdoc />
    public bool Equals(IdentityLabels? other) => other is not null && string.Equals(Canonical, other.Canonical, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as IdentityLabels);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Canonical);

    /// <summary>The canonical text.</summary>
    public override string ToString() => Canonical;
}
