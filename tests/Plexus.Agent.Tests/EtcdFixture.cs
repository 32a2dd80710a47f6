using Plexus.Lab.Processes;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>One real etcd shared by every test of the "etcd" collection; those tests run one after another and each starts from an empty <c>plexus/</c>.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private EtcdServer? _server;

    /// <summary>The running etcd.</summary>
    public EtcdServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A new client of the shared etcd.</summary>
    public EtcdStore CreateStore() => new(new StoreOptions { Url = Server.StoreUrl });

    /// <summary>A new client whose <c>plexus/</c> keys have been deleted.</summary>
    public async Task<EtcdStore> CreateEmptyStoreAsync()
    {
        var store = CreateStore();
        await store.DeletePrefixAsync("plexus/");
        return store;
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await EtcdServer.StartNewAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
