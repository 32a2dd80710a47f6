using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>Validates one object (a document or a list item): apiVersion and kind, metadata, then the kind's own fields.</summary>
internal static class ResourceValidator
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Validates <paramref name="node"/>; returns the resource when this object had no error, and the scope its errors went to.</summary>
    public static (Resource? Resource, ValidationScope Scope) Validate(MappingNode node, DocumentErrors document, string path)
    {
        var scope = new ValidationScope(document);
        var output = new JsonObject();
        var root = scope.Reader(node, path, output);
        var resource = Read(root);
        scope.Complete();
        return (scope.ErrorCount == 0 ? resource : null, scope);
    }

    private static Resource? Read(ObjectReader root)
    {
        var apiVersion = root.String("apiVersion", required: true);
        var kindName = root.String("kind", required: true);
        if (kindName is null)
        {
            root.IgnoreUnknownFields();
            return null;
        }

        var kind = ResourceKind.FromKind(kindName);
        if (kind is null)
        {
            var suggestion = Suggestions.Closest(kindName, ResourceKind.All.Select(k => k.Kind));
            root.Error("kind", suggestion is null
                ? $"unknown kind \"{kindName}\"; supported kinds: {string.Join(", ", ResourceKind.All.Select(k => k.Kind))}"
                : $"unknown kind \"{kindName}\"; did you mean \"{suggestion}\"?");
            root.IgnoreUnknownFields();
            return null;
        }

        root.Scope.Resource = kind.Kind;
        if (apiVersion is not null && apiVersion != kind.ApiVersion)
        {
            root.Error("apiVersion", $"apiVersion \"{apiVersion}\" is not served for kind {kind.Kind}; use \"{kind.ApiVersion}\"");
        }

        var metadata = MetadataValidator.Read(root, kind);
        if (kind == ResourceKind.Namespace)
        {
            NamespaceValidator.Read(root);
            return new NamespaceResource(metadata, Json(root));
        }

        if (kind == ResourceKind.Service)
        {
            var (spec, status) = ServiceValidator.Read(root);
            return new ServiceResource(metadata, Json(root), spec, status);
        }

        if (kind == ResourceKind.NetworkPolicy)
        {
            var spec = NetworkPolicyValidator.Read(root);
            return new NetworkPolicyResource(metadata, Json(root), spec);
        }

        var rules = CiliumPolicyValidator.Read(root, clusterwide: kind == ResourceKind.CiliumClusterwideNetworkPolicy);
        return new CiliumNetworkPolicyResource(kind, metadata, Json(root), rules);
    }

    private static string Json(ObjectReader root) => root.Output.ToJsonString(JsonOptions);
}
