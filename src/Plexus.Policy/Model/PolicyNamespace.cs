namespace Plexus.Policy;

/// <summary>A namespace and its labels (<c>kubernetes.io/metadata.name</c> is implied when missing).</summary>
/// <param name="Name">Namespace name.</param>
/// <param name="Labels">Its labels.</param>
public sealed record PolicyNamespace(string Name, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>The labels with <c>kubernetes.io/metadata.name=&lt;name&gt;</c> added.</summary>
    public IReadOnlyDictionary<string, string> EffectiveLabels
    {
        get
        {
            var labels = new Dictionary<string, string>(Labels, StringComparer.Ordinal)
            {
                [Plexus.Model.NamespaceResource.NameLabel] = Name,
            };
            return labels;
        }
    }

    /// <summary>Same name and labels.</summary>
    public bool Equals(PolicyNamespace? other) =>
        other is not null && Name == other.Name && Labels.Count == other.Labels.Count
        && Labels.All(l => other.Labels.TryGetValue(l.Key, out var v) && v == l.Value);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);
}
