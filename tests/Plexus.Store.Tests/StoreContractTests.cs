using System.Diagnostics;

namespace Plexus.Store.Tests;

/// <summary>
/// The behaviour every <see cref="IStore"/> must have, run once per backend by the subclasses. Each test works under
/// its own key prefix, so backends may share one server between tests.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    /// <summary>How long a test waits for something that should happen.</summary>
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private IStore? _store;

    /// <summary>The store under test.</summary>
    protected IStore Store => _store ?? throw new InvalidOperationException("The store is not created yet.");

    /// <summary>A key prefix no other test uses.</summary>
    protected string Prefix { get; } = $"/contract/{Guid.NewGuid():N}/";

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        Assert.Null(await Store.GetAsync(Prefix + "missing"));
    }

    [Fact]
    public async Task Keys_must_not_be_empty()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(string.Empty));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutAsync(string.Empty, "value"));
    }

    [Fact]
    public async Task Put_then_get_returns_the_value_and_its_revisions()
    {
        var revision = await Store.PutAsync(Prefix + "k", "v1");

        var kv = await Store.GetAsync(Prefix + "k");
        Assert.Equal(new KeyValue(Prefix + "k", "v1", revision, revision, 1, 0), kv);
    }

    [Fact]
    public async Task Overwriting_keeps_the_create_revision_and_bumps_version_and_mod_revision()
    {
        var created = await Store.PutAsync(Prefix + "k", "v1");
        var updated = await Store.PutAsync(Prefix + "k", "v2");

        Assert.True(updated > created);
        Assert.Equal(new KeyValue(Prefix + "k", "v2", created, updated, 2, 0), await Store.GetAsync(Prefix + "k"));
    }

    [Fact]
    public async Task Empty_and_non_ascii_values_round_trip()
    {
        await Store.PutAsync(Prefix + "empty", string.Empty);
        await Store.PutAsync(Prefix + "ünï/😀", "välue ✓");

        Assert.Equal(string.Empty, (await Store.GetAsync(Prefix + "empty"))!.Value);
        Assert.Equal("välue ✓", (await Store.GetAsync(Prefix + "ünï/😀"))!.Value);
    }

    [Fact]
    public async Task List_returns_the_keys_under_the_prefix_sorted_with_the_read_revision()
    {
        await Store.PutAsync(Prefix + "b", "2");
        await Store.PutAsync(Prefix + "a", "1");
        await Store.PutAsync(Prefix[..^1] + "-sibling", "outside");
        var last = await Store.PutAsync(Prefix + "c/d", "3");

        var list = await Store.ListAsync(Prefix);

        Assert.Equal([Prefix + "a", Prefix + "b", Prefix + "c/d"], list.Items.Select(kv => kv.Key));
        Assert.Equal(["1", "2", "3"], list.Items.Select(kv => kv.Value));
        Assert.Equal(last, list.Revision);
        Assert.Empty((await Store.ListAsync(Prefix + "nothing/")).Items);
    }

    [Fact]
    public async Task List_orders_keys_by_their_utf8_bytes()
    {
        // UTF-16 puts the emoji's surrogates before U+FF5E; UTF-8 (etcd's order) puts it after.
        await Store.PutAsync(Prefix + "😀", "emoji");
        await Store.PutAsync(Prefix + "～", "fullwidth tilde");
        await Store.PutAsync(Prefix + "z", "ascii");

        var list = await Store.ListAsync(Prefix);

        Assert.Equal([Prefix + "z", Prefix + "～", Prefix + "😀"], list.Items.Select(kv => kv.Key));
    }

    [Fact]
    public async Task Delete_removes_an_existing_key_and_reports_a_missing_one()
    {
        await Store.PutAsync(Prefix + "k", "v");

        Assert.True(await Store.DeleteAsync(Prefix + "k"));
        Assert.Null(await Store.GetAsync(Prefix + "k"));
        var revision = (await Store.ListAsync(Prefix)).Revision;
        Assert.False(await Store.DeleteAsync(Prefix + "k"));
        Assert.Equal(revision, (await Store.ListAsync(Prefix)).Revision);
    }

    [Fact]
    public async Task Delete_prefix_removes_only_the_keys_under_it_in_one_revision()
    {
        await Store.PutAsync(Prefix + "dir/a", "1");
        await Store.PutAsync(Prefix + "dir/b/c", "2");
        await Store.PutAsync(Prefix + "dirt", "keep");
        var before = (await Store.ListAsync(Prefix)).Revision;

        Assert.Equal(2, await Store.DeletePrefixAsync(Prefix + "dir/"));

        var after = await Store.ListAsync(Prefix);
        Assert.Equal([Prefix + "dirt"], after.Items.Select(kv => kv.Key));
        Assert.Equal(before + 1, after.Revision);
        Assert.Equal(0, await Store.DeletePrefixAsync(Prefix + "dir/"));
    }

    [Fact]
    public async Task Create_succeeds_only_when_the_key_is_absent()
    {
        var created = await Store.CreateAsync(Prefix + "k", "first");
        var conflict = await Store.CreateAsync(Prefix + "k", "second");

        Assert.True(created.Succeeded);
        Assert.Equal(created.Revision, (await Store.GetAsync(Prefix + "k"))!.CreateRevision);
        Assert.False(conflict.Succeeded);
        Assert.Equal(created.Revision, conflict.Revision);
        Assert.Equal("first", (await Store.GetAsync(Prefix + "k"))!.Value);
    }

    [Fact]
    public async Task Update_succeeds_only_at_the_expected_mod_revision()
    {
        var first = await Store.PutAsync(Prefix + "k", "v1");

        var updated = await Store.UpdateAsync(Prefix + "k", "v2", first);
        var stale = await Store.UpdateAsync(Prefix + "k", "v3", first);

        Assert.True(updated.Succeeded);
        Assert.False(stale.Succeeded);
        Assert.Equal(updated.Revision, stale.Revision);
        Assert.Equal(new KeyValue(Prefix + "k", "v2", first, updated.Revision, 2, 0), await Store.GetAsync(Prefix + "k"));
    }

    [Fact]
    public async Task Delete_if_succeeds_only_at_the_expected_mod_revision()
    {
        var first = await Store.PutAsync(Prefix + "k", "v1");
        var second = await Store.PutAsync(Prefix + "k", "v2");

        var stale = await Store.DeleteIfAsync(Prefix + "k", first);
        Assert.False(stale.Succeeded);
        Assert.Equal(second, stale.Revision);
        Assert.NotNull(await Store.GetAsync(Prefix + "k"));

        var deleted = await Store.DeleteIfAsync(Prefix + "k", second);
        Assert.True(deleted.Succeeded);
        Assert.Equal(second + 1, deleted.Revision);
        Assert.Null(await Store.GetAsync(Prefix + "k"));
    }

    [Fact]
    public async Task Revisions_increase_with_every_mutation_and_a_recreated_key_starts_over()
    {
        var put1 = await Store.PutAsync(Prefix + "k", "v1");
        var update = await Store.UpdateAsync(Prefix + "k", "v2", put1);
        Assert.True(await Store.DeleteAsync(Prefix + "k"));
        var afterDelete = (await Store.ListAsync(Prefix)).Revision;
        var recreate = await Store.CreateAsync(Prefix + "k", "v3");

        Assert.True(put1 < update.Revision);
        Assert.True(update.Revision < afterDelete);
        Assert.True(afterDelete < recreate.Revision);
        Assert.Equal(new KeyValue(Prefix + "k", "v3", recreate.Revision, recreate.Revision, 1, 0), await Store.GetAsync(Prefix + "k"));
    }

    [Fact]
    public async Task Writes_naming_an_unknown_lease_are_refused()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await Store.RevokeLeaseAsync(lease.Id);

        var error = await Assert.ThrowsAsync<LeaseNotFoundException>(() => Store.PutAsync(Prefix + "k", "v", lease.Id));
        Assert.Equal(lease.Id, error.LeaseId);
        await Assert.ThrowsAsync<LeaseNotFoundException>(() => Store.CreateAsync(Prefix + "k", "v", lease.Id));
        Assert.Null(await Store.GetAsync(Prefix + "k"));
    }

    [Fact]
    public async Task A_granted_lease_is_attached_to_the_keys_written_with_it()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await Store.PutAsync(Prefix + "put", "v", lease.Id);
        await Store.CreateAsync(Prefix + "created", "v", lease.Id);

        Assert.NotEqual(0, lease.Id);
        Assert.Equal(TimeSpan.FromSeconds(30), lease.Ttl);
        Assert.All((await Store.ListAsync(Prefix)).Items, kv => Assert.Equal(lease.Id, kv.Lease));
        await Store.RevokeLeaseAsync(lease.Id);
    }

    [Fact]
    public async Task Revoking_a_lease_deletes_its_keys_and_only_those()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await Store.PutAsync(Prefix + "leased/a", "v", lease.Id);
        await Store.CreateAsync(Prefix + "leased/b", "v", lease.Id);
        await Store.PutAsync(Prefix + "detached", "v", lease.Id);
        await Store.PutAsync(Prefix + "detached", "v");
        await Store.PutAsync(Prefix + "plain", "v");

        await Store.RevokeLeaseAsync(lease.Id);

        Assert.Equal([Prefix + "detached", Prefix + "plain"], (await Store.ListAsync(Prefix)).Items.Select(kv => kv.Key));
        Assert.Null(await Store.KeepAliveAsync(lease.Id));
        await Store.RevokeLeaseAsync(lease.Id);
    }

    [Fact]
    public async Task A_lease_expires_when_keep_alives_stop()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(2));
        await Store.PutAsync(Prefix + "k", "v", lease.Id);

        await ElapseAsync(lease.Ttl);

        await WaitUntilAsync(async () => await Store.GetAsync(Prefix + "k") is null, "the leased key to vanish");
        Assert.Null(await Store.KeepAliveAsync(lease.Id));
    }

    [Fact]
    public async Task Keep_alives_extend_a_lease_past_its_ttl()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(3));
        await Store.PutAsync(Prefix + "k", "v", lease.Id);

        for (var i = 0; i < 5; i++)
        {
            await ElapseAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(lease.Ttl, await Store.KeepAliveAsync(lease.Id));
        }

        Assert.NotNull(await Store.GetAsync(Prefix + "k"));
        await Store.RevokeLeaseAsync(lease.Id);
    }

    [Fact]
    public async Task A_watch_from_an_old_revision_replays_the_history()
    {
        var first = await Store.PutAsync(Prefix + "a", "1");
        var second = await Store.PutAsync(Prefix + "b", "2");
        await Store.DeleteAsync(Prefix + "a");
        var third = (await Store.ListAsync(Prefix)).Revision;

        await using var watch = new WatchReader(Store, Prefix, first);
        var events = await watch.NextAsync(3);

        Assert.Equal(
            [(WatchEventType.Put, Prefix + "a", first), (WatchEventType.Put, Prefix + "b", second), (WatchEventType.Delete, Prefix + "a", third)],
            events.Select(e => (e.Type, e.Kv.Key, e.Revision)));
        Assert.Equal(new KeyValue(Prefix + "b", "2", second, second, 1, 0), events[1].Kv);
    }

    [Fact]
    public async Task A_watch_sees_puts_and_deletes_as_they_happen()
    {
        var from = (await Store.ListAsync(Prefix)).Revision + 1;
        await using var watch = new WatchReader(Store, Prefix, from);

        var created = await Store.PutAsync(Prefix + "k", "v1");
        Assert.Equal(new WatchEvent(WatchEventType.Put, new KeyValue(Prefix + "k", "v1", created, created, 1, 0), created), await watch.NextAsync());

        var updated = await Store.UpdateAsync(Prefix + "k", "v2", created);
        Assert.Equal(new WatchEvent(WatchEventType.Put, new KeyValue(Prefix + "k", "v2", created, updated.Revision, 2, 0), updated.Revision), await watch.NextAsync());

        var deleted = await Store.DeleteIfAsync(Prefix + "k", updated.Revision);
        var deleteEvent = await watch.NextAsync();
        Assert.Equal((WatchEventType.Delete, Prefix + "k", deleted.Revision, deleted.Revision), (deleteEvent.Type, deleteEvent.Kv.Key, deleteEvent.Kv.ModRevision, deleteEvent.Revision));
    }

    [Fact]
    public async Task A_watch_sees_only_its_prefix()
    {
        var from = (await Store.ListAsync(Prefix)).Revision + 1;
        await using var watch = new WatchReader(Store, Prefix + "a/", from);

        await Store.PutAsync(Prefix + "ab", "sibling");
        await Store.PutAsync(Prefix + "b/x", "other");
        var mine = await Store.PutAsync(Prefix + "a/x", "mine");
        await Store.PutAsync(Prefix + "a", "parent");
        var mineAgain = await Store.PutAsync(Prefix + "a/y/z", "mine too");

        var events = await watch.NextAsync(2);
        Assert.Equal([(Prefix + "a/x", mine), (Prefix + "a/y/z", mineAgain)], events.Select(e => (e.Kv.Key, e.Revision)));
    }

    [Fact]
    public async Task A_watch_sees_a_delete_prefix_and_a_revoke_as_deletes_sharing_one_revision()
    {
        var from = (await Store.ListAsync(Prefix)).Revision + 1;
        await using var watch = new WatchReader(Store, Prefix, from);
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await Store.PutAsync(Prefix + "leased/1", "v", lease.Id);
        await Store.PutAsync(Prefix + "leased/2", "v", lease.Id);
        await Store.PutAsync(Prefix + "dir/1", "v");
        await Store.PutAsync(Prefix + "dir/2", "v");
        await watch.NextAsync(4);

        await Store.RevokeLeaseAsync(lease.Id);
        await Store.DeletePrefixAsync(Prefix + "dir/");

        var deletes = await watch.NextAsync(4);
        Assert.All(deletes, e => Assert.Equal(WatchEventType.Delete, e.Type));
        Assert.Equal([Prefix + "leased/1", Prefix + "leased/2", Prefix + "dir/1", Prefix + "dir/2"], deletes.Select(e => e.Kv.Key));
        Assert.Equal(deletes[0].Revision, deletes[1].Revision);
        Assert.Equal(deletes[0].Revision + 1, deletes[2].Revision);
        Assert.Equal(deletes[2].Revision, deletes[3].Revision);
    }

    [Fact]
    public async Task A_watch_sees_lease_expiry_as_deletes()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(2));
        var put = await Store.PutAsync(Prefix + "k", "v", lease.Id);
        await using var watch = new WatchReader(Store, Prefix, put + 1);

        await ElapseAsync(lease.Ttl);

        var expired = await watch.NextAsync();
        Assert.Equal(WatchEventType.Delete, expired.Type);
        Assert.Equal(Prefix + "k", expired.Kv.Key);
        Assert.True(expired.Revision > put);
    }

    [Fact]
    public async Task A_watch_from_a_compacted_revision_asks_for_a_resync_and_ends()
    {
        var first = await Store.PutAsync(Prefix + "k", "v1");
        await Store.PutAsync(Prefix + "k", "v2");
        var last = await Store.PutAsync(Prefix + "k", "v3");
        await CompactAsync(last);

        await using (var compacted = new WatchReader(Store, Prefix, first))
        {
            var resync = await compacted.NextAsync();
            Assert.Equal(WatchEventType.ResyncRequired, resync.Type);
            Assert.Equal(last, resync.Revision);
            await compacted.AssertEndedAsync();
        }

        await using var atCompaction = new WatchReader(Store, Prefix, last);
        var replayed = await atCompaction.NextAsync();
        Assert.Equal((WatchEventType.Put, "v3", last), (replayed.Type, replayed.Kv.Value, replayed.Revision));
    }

    [Fact]
    public async Task A_transaction_whose_compares_hold_writes_all_its_ops_in_one_revision()
    {
        var existing = await Store.PutAsync(Prefix + "existing", "v1");
        await Store.PutAsync(Prefix + "doomed", "x");

        var txn = await Store.TransactAsync(
            [StoreCompare.Absent(Prefix + "new"), StoreCompare.ModRevisionIs(Prefix + "existing", existing)],
            [StoreOp.Put(Prefix + "new", "n"), StoreOp.Put(Prefix + "existing", "v2"), StoreOp.Delete(Prefix + "doomed"), StoreOp.Delete(Prefix + "never")],
            [StoreOp.Get(Prefix + "existing")]);

        Assert.True(txn.Succeeded);
        Assert.Empty(txn.Reads);
        Assert.Equal(new KeyValue(Prefix + "new", "n", txn.Revision, txn.Revision, 1, 0), await Store.GetAsync(Prefix + "new"));
        Assert.Equal(new KeyValue(Prefix + "existing", "v2", existing, txn.Revision, 2, 0), await Store.GetAsync(Prefix + "existing"));
        Assert.Null(await Store.GetAsync(Prefix + "doomed"));
        Assert.Equal(txn.Revision, (await Store.ListAsync(Prefix)).Revision);
    }

    [Fact]
    public async Task A_transaction_whose_compare_fails_runs_the_failure_ops_and_writes_nothing()
    {
        var existing = await Store.PutAsync(Prefix + "existing", "v1");

        var txn = await Store.TransactAsync(
            [StoreCompare.Absent(Prefix + "new"), StoreCompare.Absent(Prefix + "existing")],
            [StoreOp.Put(Prefix + "new", "n"), StoreOp.Put(Prefix + "existing", "v2")],
            [StoreOp.Get(Prefix + "existing"), StoreOp.Get(Prefix + "new")]);

        Assert.False(txn.Succeeded);
        Assert.Equal(existing, txn.Revision);
        Assert.Equal([new KeyValue(Prefix + "existing", "v1", existing, existing, 1, 0), null], txn.Reads);
        Assert.Equal([Prefix + "existing"], (await Store.ListAsync(Prefix)).Items.Select(kv => kv.Key));
        Assert.False((await Store.TransactAsync([StoreCompare.ModRevisionIs(Prefix + "existing", existing + 1)], [StoreOp.Delete(Prefix + "existing")], [])).Succeeded);
        Assert.NotNull(await Store.GetAsync(Prefix + "existing"));
    }

    [Fact]
    public async Task A_value_compare_holds_only_for_an_existing_key_with_exactly_that_value()
    {
        await Store.PutAsync(Prefix + "k", "labels=a");
        await Store.PutAsync(Prefix + "empty", "");

        Assert.True((await Store.TransactAsync([StoreCompare.ValueIs(Prefix + "k", "labels=a")], [StoreOp.Put(Prefix + "k", "labels=a")], [])).Succeeded);
        Assert.False((await Store.TransactAsync([StoreCompare.ValueIs(Prefix + "k", "labels=A")], [StoreOp.Delete(Prefix + "k")], [])).Succeeded);
        Assert.False((await Store.TransactAsync([StoreCompare.ValueIs(Prefix + "k", "labels=a"), StoreCompare.ValueIs(Prefix + "k", "labels")], [StoreOp.Delete(Prefix + "k")], [])).Succeeded);
        Assert.True((await Store.TransactAsync([StoreCompare.ValueIs(Prefix + "empty", "")], [], [])).Succeeded);

        // An absent key never meets a value compare, not even the empty value.
        Assert.False((await Store.TransactAsync([StoreCompare.ValueIs(Prefix + "absent", "")], [StoreOp.Put(Prefix + "absent", "x")], [])).Succeeded);
        Assert.Null(await Store.GetAsync(Prefix + "absent"));
        Assert.Equal("labels=a", (await Store.GetAsync(Prefix + "k"))!.Value);
    }

    [Fact]
    public async Task Gets_in_a_transaction_read_each_key_and_a_read_only_transaction_bumps_no_revision()
    {
        var a = await Store.PutAsync(Prefix + "a", "1");
        var b = await Store.PutAsync(Prefix + "b", "2");

        var txn = await Store.TransactAsync([], [StoreOp.Get(Prefix + "b"), StoreOp.Get(Prefix + "missing"), StoreOp.Get(Prefix + "a")], []);

        Assert.True(txn.Succeeded);
        Assert.Equal(b, txn.Revision);
        Assert.Equal(
            [new KeyValue(Prefix + "b", "2", b, b, 1, 0), null, new KeyValue(Prefix + "a", "1", a, a, 1, 0)],
            txn.Reads);
        Assert.Equal(b, (await Store.ListAsync(Prefix)).Revision);
    }

    [Fact]
    public async Task A_watch_sees_every_write_of_a_transaction_with_the_same_revision()
    {
        await Store.PutAsync(Prefix + "gone", "x");
        var from = (await Store.ListAsync(Prefix)).Revision + 1;
        await using var watch = new WatchReader(Store, Prefix, from);

        var txn = await Store.TransactAsync([], [StoreOp.Put(Prefix + "a", "1"), StoreOp.Put(Prefix + "b", "2"), StoreOp.Delete(Prefix + "gone")], []);
        var after = await Store.PutAsync(Prefix + "c", "3");

        var events = await watch.NextAsync(4);
        Assert.Equal(
            [(WatchEventType.Put, Prefix + "a", txn.Revision), (WatchEventType.Put, Prefix + "b", txn.Revision), (WatchEventType.Delete, Prefix + "gone", txn.Revision), (WatchEventType.Put, Prefix + "c", after)],
            events.Select(e => (e.Type, e.Kv.Key, e.Revision)));
        Assert.Equal(txn.Revision + 1, after);
    }

    [Fact]
    public async Task A_transaction_of_the_largest_size_applies_whole()
    {
        var keys = Enumerable.Range(0, StoreTxn.MaxOps).Select(i => $"{Prefix}k{i:D3}").ToList();

        var txn = await Store.TransactAsync(keys.Select(StoreCompare.Absent).ToList(), keys.Select(k => StoreOp.Put(k, new string('v', 2000))).ToList(), []);

        Assert.True(txn.Succeeded);
        var list = await Store.ListAsync(Prefix);
        Assert.Equal(keys, list.Items.Select(kv => kv.Key));
        Assert.All(list.Items, kv => Assert.Equal(txn.Revision, kv.ModRevision));
    }

    [Fact]
    public async Task A_transaction_that_is_too_large_or_writes_a_key_twice_is_refused_before_it_runs()
    {
        var tooMany = Enumerable.Range(0, StoreTxn.MaxOps + 1).Select(i => StoreOp.Put($"{Prefix}k{i}", "v")).ToList();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync([], tooMany, []));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.TransactAsync([], [StoreOp.Put(Prefix + "k", "1"), StoreOp.Delete(Prefix + "k")], []));
        Assert.Empty((await Store.ListAsync(Prefix)).Items);
    }

    [Fact]
    public async Task A_transaction_naming_an_unknown_lease_is_refused_and_writes_nothing()
    {
        var lease = await Store.GrantLeaseAsync(TimeSpan.FromSeconds(30));
        await Store.RevokeLeaseAsync(lease.Id);

        var error = await Assert.ThrowsAsync<LeaseNotFoundException>(
            () => Store.TransactAsync([], [StoreOp.Put(Prefix + "plain", "v"), StoreOp.Put(Prefix + "leased", "v", lease.Id)], []));

        Assert.Equal(lease.Id, error.LeaseId);
        Assert.Empty((await Store.ListAsync(Prefix)).Items);
    }

    /// <summary>Creates the store under test.</summary>
    protected abstract Task<IStore> CreateStoreAsync();

    /// <summary>Lets <paramref name="duration"/> pass on the store's clock.</summary>
    protected abstract Task ElapseAsync(TimeSpan duration);

    /// <summary>Compacts the store's history before <paramref name="revision"/>.</summary>
    protected abstract Task CompactAsync(long revision);

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <see cref="Deadline"/>.</summary>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(elapsed.Elapsed < Deadline, $"Timed out after {Deadline} waiting for {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
