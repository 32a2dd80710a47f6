using System.Globalization;
using System.Runtime.CompilerServices;
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
            var plan = Plan(key, desired, existing, Timestamp());
            if (plan.Write is not { } write)
            {
                return plan.Outcome;
            }

            var cas = existing is null
                ? await store.CreateAsync(key, write.Value!, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await store.UpdateAsync(key, write.Value!, existing.ModRevision, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (cas.Succeeded)
            {
                return plan.Outcome;
            }
        }
    }

    /// <summary>
    /// Creates or updates every resource, in order, with one or two store transactions per <see cref="StoreTxn.MaxOps"/>
    /// resources instead of two requests each: all of a chunk are created at once if none exists (else the same
    /// transaction reads them; after such a chunk the next ones are only read first), then the new and changed ones are
    /// written in one transaction, each guarded by its own compare. When another writer got in between, that chunk's writes are redone one by one with
    /// <see cref="ApplyAsync"/>. Yields each resource with its outcome, in input order.
    /// </summary>
    public async IAsyncEnumerable<(Resource Resource, ApplyOutcome Outcome)> ApplyAllAsync(
        IReadOnlyList<Resource> resources, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var pending = resources.Select(r => (Resource: r, Key: KeyOf(r), Desired: WithoutServerFields(r.Json))).ToList();
        var expectNew = true;
        foreach (var chunk in StoreTxn.Chunk(pending, StoreTxn.MaxOps, p => StoreOp.Put(p.Key, p.Desired.ToJsonString()).EstimatedBytes, p => p.Key))
        {
            var now = Timestamp();
            var reads = chunk.Select(p => StoreOp.Get(p.Key)).ToList();

            // A first install creates whole chunks in one request; once a chunk turns out to exist, the next ones are
            // read first, so a re-apply does not ship every document twice.
            List<ApplyPlan>? plans = null;
            TxnResult read;
            if (expectNew)
            {
                plans = chunk.Select(p => Plan(p.Key, p.Desired, null, now)).ToList();
                read = await store.TransactAsync(
                    chunk.Select(p => StoreCompare.Absent(p.Key)).ToList(), plans.Select(p => p.Write!).ToList(), reads, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                read = await store.TransactAsync([], reads, [], cancellationToken).ConfigureAwait(false);
            }

            if (plans is null || !read.Succeeded)
            {
                expectNew = read.Reads.All(kv => kv is null);
                plans = chunk.Select((p, i) => Plan(p.Key, p.Desired, read.Reads[i], now)).ToList();
                var writes = plans.Where(p => p.Write is not null).ToList();
                if (writes.Count > 0 && !(await store.TransactAsync(
                    writes.Select(p => p.Compare!).ToList(), writes.Select(p => p.Write!).ToList(), [], cancellationToken).ConfigureAwait(false)).Succeeded)
                {
                    for (var i = 0; i < chunk.Count; i++)
                    {
                        if (plans[i].Write is not null)
                        {
                            plans[i] = plans[i] with { Outcome = await ApplyAsync(chunk[i].Resource, cancellationToken).ConfigureAwait(false) };
                        }
                    }
                }
            }

            for (var i = 0; i < chunk.Count; i++)
            {
                yield return (chunk[i].Resource, plans[i].Outcome);
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

    /// <summary>
    /// What applying <paramref name="desired"/> over <paramref name="existing"/> (null: absent) takes: the outcome and,
    /// unless unchanged, the write and the compare that guards it (creation keeps the stored creation timestamp).
    /// </summary>
    private static ApplyPlan Plan(string key, JsonObject desired, KeyValue? existing, string now)
    {
        var document = (JsonObject)desired.DeepClone();
        if (existing is null)
        {
            Metadata(document)["creationTimestamp"] = now;
            return new ApplyPlan(ApplyOutcome.Created, StoreCompare.Absent(key), StoreOp.Put(key, document.ToJsonString()));
        }

        var current = JsonNode.Parse(existing.Value)!.AsObject();
        if (JsonNode.DeepEquals(WithoutServerFields(current), desired))
        {
            return new ApplyPlan(ApplyOutcome.Unchanged, null, null);
        }

        if (Metadata(current)["creationTimestamp"] is { } timestamp)
        {
            Metadata(document)["creationTimestamp"] = timestamp.DeepClone();
        }

        return new ApplyPlan(ApplyOutcome.Configured, StoreCompare.ModRevisionIs(key, existing.ModRevision), StoreOp.Put(key, document.ToJsonString()));
    }

    private string Timestamp() => timeProvider.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

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

    private sealed record ApplyPlan(ApplyOutcome Outcome, StoreCompare? Compare, StoreOp? Write);
}
