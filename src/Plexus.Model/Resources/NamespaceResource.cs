namespace Plexus.Model;

/// <summary>A <c>v1</c> Namespace; its labels include <c>kubernetes.io/metadata.name=&lt;name&gt;</c>.</summary>
public sealed record NamespaceResource : Resource
{
    /// <summary>The label every namespace carries with its own name.</summary>
    public const string NameLabel = "kubernetes.io/metadata.name";

    internal NamespaceResource(ObjectMeta metadata, string json)
        : base(ResourceKind.Namespace, metadata, json)
    {
    }
}
