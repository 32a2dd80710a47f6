using Plexus.Testing;

namespace Plexus.Store.Tests;

/// <summary>The store contract on <see cref="InMemoryStore"/>, with a fake clock for leases.</summary>
public sealed class InMemoryStoreContractTests : StoreContractTests
{
    private readonly FakeTimeProvider _clock = new();
    private InMemoryStore? _store;

    /// <inheritdoc />
    protected override Task<IStore> CreateStoreAsync() => Task.FromResult<IStore>(_store = new InMemoryStore(_clock));

    /// <inheritdoc />
    protected override Task ElapseAsync(TimeSpan duration)
    {
        _clock.Advance(duration);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task CompactAsync(long revision)
    {
        _store!.Compact(revision);
        return Task.CompletedTask;
    }
}
