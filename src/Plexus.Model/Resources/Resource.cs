using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>
/// A validated resource. Subclasses add the typed spec; <see cref="Json"/> is the normalized document to store
/// (fields in schema order, maps sorted, namespace defaulted). Equal documents give equal resources.
/// </summary>
public abstract record Resource
{
    private readonly string _json;

    private protected Resource(ResourceKind resourceKind, ObjectMeta metadata, string json)
    {
        ResourceKind = resourceKind;
        Metadata = metadata;
        _json = json;
    }

    /// <summary>The kind descriptor.</summary>
    public ResourceKind ResourceKind { get; }

    /// <summary>apiVersion, e.g. <c>cilium.io/v2</c>.</summary>
    public string ApiVersion => ResourceKind.ApiVersion;

    /// <summary>Kind, e.g. <c>CiliumNetworkPolicy</c>.</summary>
    public string Kind => ResourceKind.Kind;

    /// <summary>Name, namespace, labels and annotations.</summary>
    public ObjectMeta Metadata { get; }

    /// <summary>A fresh copy of the normalized document (callers may modify it).</summary>
    public JsonObject Json => JsonNode.Parse(_json)!.AsObject();

    /// <summary>The store key of this resource.</summary>
    public ResourceKey Key => new(ResourceKind, Metadata.Namespace, Metadata.Name);

    /// <summary>The normalized document as compact JSON text.</summary>
    public string ToJsonString() => _json;

    /// <summary>"Kind namespace/name", or "Kind name" when cluster-scoped.</summary>
    public sealed override string ToString() =>
        Metadata.Namespace is null ? $"{Kind} {Metadata.Name}" : $"{Kind} {Metadata.Namespace}/{Metadata.Name}";
}
