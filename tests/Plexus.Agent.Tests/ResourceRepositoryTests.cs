using System.Text.Json.Nodes;
using Plexus.Cli.Resources;
using Plexus.Model;
using Plexus.Store;
using Plexus.Testing;

namespace Plexus.Agent.Tests;

/// <summary>The batched apply of <c>plexus apply</c> over the in-memory store: few transactions, and per-resource retries when another writer gets in between.</summary>
public sealed class ResourceRepositoryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryStore _store;

    /// <summary>Creates the store.</summary>
    public ResourceRepositoryTests()
    {
        _store = new InMemoryStore(_time);
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_bulk_apply_takes_one_transaction_per_chunk_and_so_does_applying_it_again()
    {
        var transactions = 0;
        var counting = new InterceptingStore(_store) { BeforeTransact = (_, _) => { transactions++; return Task.CompletedTask; } };

        var outcomes = await ApplyAllAsync(new ResourceRepository(counting, _time), Namespaces(300, "blue"));

        Assert.Equal(Enumerable.Repeat(ResourceRepository.ApplyOutcome.Created, 300), outcomes.Select(o => o.Outcome));
        Assert.Equal(Namespaces(300, "blue").Select(r => r.Metadata.Name), outcomes.Select(o => o.Resource.Metadata.Name));
        Assert.Equal((300 + StoreTxn.MaxOps - 1) / StoreTxn.MaxOps, transactions);
        Assert.Equal(300, (await _store.ListAsync(ResourceKey.Prefix(ResourceKind.Namespace))).Items.Count);

        transactions = 0;
        var again = await ApplyAllAsync(new ResourceRepository(counting, _time), Namespaces(300, "blue"));

        Assert.All(again, o => Assert.Equal(ResourceRepository.ApplyOutcome.Unchanged, o.Outcome));
        Assert.Equal((300 + StoreTxn.MaxOps - 1) / StoreTxn.MaxOps, transactions);
    }

    [Fact]
    public async Task A_write_by_someone_else_between_the_read_and_the_write_is_redone_resource_by_resource()
    {
        var repository = new ResourceRepository(_store, _time);
        await ApplyAllAsync(repository, Namespaces(10, "blue"));
        var intruded = false;
        var intercepting = new InterceptingStore(_store);
        intercepting.BeforeTransact = async (compares, ops) =>
        {
            // The write transaction of the chunk (guarded by mod revisions): change one of its namespaces first.
            if (!intruded && compares.Any(c => c.Target == StoreCompareTarget.ModRevision))
            {
                intruded = true;
                var key = ResourceKey.For(ResourceKind.Namespace, null, "ns-004");
                var current = JsonNode.Parse((await _store.GetAsync(key))!.Value)!;
                current["metadata"]!["labels"]!["team"] = "red";
                await _store.PutAsync(key, current.ToJsonString());
            }
        };
        var desired = Namespaces(10, "blue").Select((r, i) => i % 2 == 0 ? Namespaces(10, "green")[i] : r).ToList();

        var outcomes = await ApplyAllAsync(new ResourceRepository(intercepting, _time), desired);

        Assert.True(intruded);
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? ResourceRepository.ApplyOutcome.Configured : ResourceRepository.ApplyOutcome.Unchanged),
            outcomes.Select(o => o.Outcome));
        var stored = (await _store.ListAsync(ResourceKey.Prefix(ResourceKind.Namespace))).Items
            .Select(kv => (string?)JsonNode.Parse(kv.Value)!["metadata"]!["labels"]!["team"]).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? "green" : "blue"), stored);
    }

    private static async Task<List<(Resource Resource, ResourceRepository.ApplyOutcome Outcome)>> ApplyAllAsync(ResourceRepository repository, IReadOnlyList<Resource> resources)
    {
        var outcomes = new List<(Resource, ResourceRepository.ApplyOutcome)>();
        await foreach (var outcome in repository.ApplyAllAsync(resources, CancellationToken.None))
        {
            outcomes.Add(outcome);
        }

        return outcomes;
    }

    private static List<Resource> Namespaces(int count, string team)
    {
        var yaml = string.Join("\n---\n", Enumerable.Range(0, count).Select(i => $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns-{i:D3}, labels: {{team: {team}}}}}\n"));
        var parsed = ManifestLoader.Parse(yaml, "test.yaml");
        Assert.Empty(parsed.Errors);
        return [.. parsed.Resources];
    }
}
