using System.Globalization;
using System.Text.Json.Nodes;
using Plexus.Model;
using Plexus.Store;

namespace Plexus.Cli.Resources;

/// <summary>
/// Stores user resources under <c>plexus/resources/…</c> with compare-and-swap, so concurrent appliers never lose
/// an update. The stored document is the validated, normalized manifest plus <c>metadata.creationTimestamp</c>;
/// <c>metadata.resourceVersion</c> is the key's mod revision, added when reading.
/// </summary>
public sealed class ResourceRepository(IStore store, TimeProvider timeProvider)
{
    private static readonly string[] ServerFields = ["resourceVersion", "creationTimestamp", "uid", "generation"];

    /// <summary>What an apply did to one resource.</summary>
    public enum ApplyOutcome
    {
        /// <summary>The resource did not exist.</summary>
        Created,

        /// <summary>The resource existed and changed.</summary>
        Configured,

        /// <summary>The resource existed with the same content.</summary>
        Unchanged,
    }

    /// <summary>Creates or updates <paramref name="resource"/>; retries when another writer got in between.</summary>
    public async Task<ApplyOutcome> ApplyAsync(Resource resource, CancellationToken cancellationToken)
    {
        var key = KeyOf(resource);
        var desired = WithoutServerFields(resource.Json);
        while (true)
        {
            var existing = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                var created = (JsonObject)desired.DeepClone();
                Metadata(created)["creationTimestamp"] = timeProvider.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                if ((await store.CreateAsync(key, created.ToJsonString(), cancellationToken: cancellationToken).ConfigureAwait(false)).Succeeded)
                {
                    return ApplyOutcome.Created;
                }

                continue;
            }

            var current = JsonNode.Parse(existing.Value)!.AsObject();
            if (JsonNode.DeepEquals(WithoutServerFields(current), desired))
            {
                return ApplyOutcome.Unchanged;
            }

            var updated = (JsonObject)desired.DeepClone();
            if (Metadata(current)["creationTimestamp"] is { } timestamp)
            {
                Metadata(updated)["creationTimestamp"] = timestamp.DeepClone();
            }

            var cas = await store.UpdateAsync(key, updated.ToJsonString(), existing.ModRevision, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (cas.Succeeded)
            {
                return ApplyOutcome.Configured;
            }
        }
    }

    /// <summary>Reads one resource; null when absent.</summary>
    public async Task<JsonObject?> GetAsync(ResourceKind kind, string? ns, string name, CancellationToken cancellationToken)
    {
        var kv = await store.GetAsync(ResourceKey.For(kind, ns, name), cancellationToken).ConfigureAwait(false);
        return kv is null ? null : Present(kv);
    }

    /// <summary>Lists resources of a kind, in one namespace or (null) all, sorted by namespace and name.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(ResourceKind kind, string? ns, CancellationToken cancellationToken)
    {
        var list = await store.ListAsync(ResourceKey.Prefix(kind, ns), cancellationToken).ConfigureAwait(false);
        return list.Items.Select(Present).ToList();
    }

    /// <summary>Deletes one resource; false when it did not exist.</summary>
    public Task<bool> DeleteAsync(ResourceKind kind, string? ns, string name, CancellationToken cancellationToken) =>
        store.DeleteAsync(ResourceKey.For(kind, ns, name), cancellationToken);

    /// <summary>The store key of a resource.</summary>
    public static string KeyOf(Resource resource) => resource.Key.StoreKey;

    private static JsonObject Present(KeyValue kv)
    {
        var doc = JsonNode.Parse(kv.Value)!.AsObject();
        Metadata(doc)["resourceVersion"] = kv.ModRevision.ToString(CultureInfo.InvariantCulture);
        return doc;
    }

    private static JsonObject WithoutServerFields(JsonObject doc)
    {
        var copy = (JsonObject)doc.DeepClone();
        var metadata = Metadata(copy);
        foreach (var field in ServerFields)
        {
            metadata.Remove(field);
        }

        return copy;
    }

    private static JsonObject Metadata(JsonObject doc)
    {
        if (doc["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        doc["metadata"] = metadata;
        return metadata;
    }
}
