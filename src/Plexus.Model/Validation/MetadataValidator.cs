using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>Reads <c>metadata</c>: name rules per kind, namespace defaulting, labels, annotations, tolerated server fields.</summary>
internal static class MetadataValidator
{
    /// <summary>Reads the metadata of a <paramref name="kind"/> object and names the scope after it.</summary>
    public static ObjectMeta Read(ObjectReader root, ResourceKind kind)
    {
        var metadata = root.Object("metadata", required: true);
        if (metadata is null)
        {
            return new ObjectMeta { Name = "", Namespace = kind.Namespaced ? "default" : null };
        }

        Func<string, string?> nameRule =
            kind == ResourceKind.Namespace ? NameSyntax.Dns1123Label
            : kind == ResourceKind.Service ? NameSyntax.Dns1035Label
            : NameSyntax.Dns1123Subdomain;
        var name = metadata.String("name", required: true, v => nameRule(v) is { } problem ? $"invalid name: {problem}" : null);

        string? ns = null;
        if (kind.Namespaced)
        {
            ns = metadata.String("namespace", check: v => NameSyntax.Dns1123Label(v) is { } problem ? $"invalid namespace: {problem}" : null) ?? "default";
            metadata.Write("namespace", ns);
        }
        else if (metadata.Has("namespace"))
        {
            metadata.Error("namespace", $"{kind.Kind} is cluster-scoped: metadata.namespace must not be set");
        }

        root.Scope.Resource = name is null ? kind.Kind : ns is null ? $"{kind.Kind} {name}" : $"{kind.Kind} {ns}/{name}";

        var labels = metadata.StringMap("labels", LabelSyntax.KeyError, LabelSyntax.ValueError);
        if (kind == ResourceKind.Namespace && name is not null)
        {
            // Kubernetes sets this label on every namespace (and overwrites any other value); selectors rely on it.
            labels = ValueMap.From(labels.Where(l => l.Key != NamespaceResource.NameLabel).Append(new(NamespaceResource.NameLabel, name)));
            var output = new JsonObject();
            foreach (var (key, value) in labels)
            {
                output[key] = value;
            }

            metadata.Write("labels", output);
        }

        var annotations = metadata.StringMap("annotations", key => NameSyntax.QualifiedName(key) is { } problem ? $"invalid annotation key \"{key}\": {problem}" : null);

        // Server-owned fields, accepted so that `get -o yaml` output can be applied again.
        return new ObjectMeta
        {
            Name = name ?? "",
            Namespace = ns,
            Labels = labels,
            Annotations = annotations,
            Uid = metadata.Text("uid"),
            ResourceVersion = metadata.Text("resourceVersion"),
            Generation = metadata.Long("generation", min: 0),
            CreationTimestamp = metadata.Text("creationTimestamp"),
        };
    }
}
