using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>
/// Parses manifests: multi-document YAML, JSON (a JSON document is YAML), a JSON array of objects, or a
/// <c>v1 List</c> with <c>items</c>. Pure: the caller passes the text and the file name used in errors. Every
/// document is validated completely and all errors are returned; nothing stops at the first one.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Parses and validates <paramref name="text"/>; <paramref name="fileName"/> only labels errors.</summary>
    public static ManifestParseResult Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var (documents, syntaxError) = YamlTreeReader.Read(text);
        var resources = new List<Resource>();
        var errors = new List<ManifestError>();
        var firstDocument = new Dictionary<ResourceKey, int>();
        foreach (var document in documents)
        {
            if (document.Root is null or ScalarNode { Type: ScalarType.Null })
            {
                continue;
            }

            var documentErrors = new DocumentErrors(fileName, document.Number);
            foreach (var (node, path) in Objects(document.Root, documentErrors))
            {
                var (resource, scope) = ResourceValidator.Validate(node, documentErrors, path);
                if (resource is null)
                {
                    continue;
                }

                if (firstDocument.TryGetValue(resource.Key, out var first))
                {
                    var name = (node.Find("metadata") as MappingNode)?.Find("name") ?? node;
                    scope.Error(FieldPath.Field(FieldPath.Field(path, "metadata"), "name"), name, $"duplicate resource: {resource} is also defined in document {first}");
                    continue;
                }

                firstDocument[resource.Key] = document.Number;
                resources.Add(resource);
            }

            errors.AddRange(documentErrors.Build());
        }

        if (syntaxError is not null)
        {
            errors.Add(new ManifestError(fileName, syntaxError.Document, null, "", syntaxError.Reason, syntaxError.Line, syntaxError.Column));
        }

        return new ManifestParseResult(resources, errors);
    }

    /// <summary>The objects a document holds: itself, the items of a <c>List</c>, or the elements of a top-level array.</summary>
    private static IEnumerable<(MappingNode Node, string Path)> Objects(SourceNode root, DocumentErrors errors)
    {
        switch (root)
        {
            case MappingNode mapping when mapping.Find("kind") is ScalarNode { Text: "List" }:
                return ListItems(mapping, errors);
            case MappingNode mapping:
                return [(mapping, "")];
            case SequenceNode sequence:
                return ArrayItems(sequence, errors, "");
            default:
                var scope = new ValidationScope(errors);
                scope.Error("", root, Scalars.Expected("a mapping with apiVersion, kind and metadata", root));
                return [];
        }
    }

    private static List<(MappingNode, string)> ListItems(MappingNode list, DocumentErrors errors)
    {
        var scope = new ValidationScope(errors);
        var reader = scope.Reader(list, "", new JsonObject());
        reader.String("apiVersion", required: true, v => v == "v1" ? null : $"apiVersion \"{v}\" is not served for kind List; use \"v1\"");
        reader.String("kind");
        if (reader.Object("metadata") is { } metadata)
        {
            metadata.IgnoreUnknownFields();
        }

        var items = new List<(MappingNode, string)>();
        if (reader.Get("items") is SequenceNode sequence)
        {
            items.AddRange(ArrayItems(sequence, errors, "items"));
        }
        else
        {
            reader.Items("items", out _, required: true);
        }

        scope.Complete();
        return items;
    }

    private static List<(MappingNode, string)> ArrayItems(SequenceNode sequence, DocumentErrors errors, string path)
    {
        var items = new List<(MappingNode, string)>();
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var itemPath = FieldPath.Item(path, i);
            if (sequence.Items[i] is MappingNode mapping)
            {
                items.Add((mapping, itemPath));
            }
            else
            {
                new ValidationScope(errors).Error(itemPath, sequence.Items[i], Scalars.Expected("a mapping with apiVersion, kind and metadata", sequence.Items[i]));
            }
        }

        return items;
    }
}
