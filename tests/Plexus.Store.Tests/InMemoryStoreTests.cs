using Plexus.Testing;

namespace Plexus.Store.Tests;

/// <summary>Behaviour specific to <see cref="InMemoryStore"/>: its bounded history and its clock.</summary>
public sealed class InMemoryStoreTests
{
    [Fact]
    public async Task History_beyond_the_limit_is_compacted_so_old_watches_resync()
    {
        await using var store = new InMemoryStore(historyLimit: 3);
        var first = await store.PutAsync("/k", "1");
        for (var i = 2; i <= 5; i++)
        {
            await store.PutAsync("/k", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await using (var old = new WatchReader(store, "/", first))
        {
            Assert.Equal(WatchEventType.ResyncRequired, (await old.NextAsync()).Type);
            await old.AssertEndedAsync();
        }

        await using var recent = new WatchReader(store, "/", store.Revision - 2);
        Assert.Equal(["3", "4", "5"], (await recent.NextAsync(3)).Select(e => e.Kv.Value));
    }

    [Fact]
    public async Task A_lease_lives_exactly_its_ttl_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider();
        await using var store = new InMemoryStore(clock);
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(1.5));
        await store.PutAsync("/k", "v", lease.Id);

        clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.NotNull(await store.GetAsync("/k"));

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Null(await store.GetAsync("/k"));
        Assert.Equal(TimeSpan.FromSeconds(2), lease.Ttl);
    }

    [Fact]
    public async Task Compacting_past_the_current_revision_is_refused()
    {
        await using var store = new InMemoryStore();
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Compact(store.Revision + 1));
    }
}
