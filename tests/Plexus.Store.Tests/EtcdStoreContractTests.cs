namespace Plexus.Store.Tests;

/// <summary>The store contract on <see cref="EtcdStore"/> against a real etcd shared by the tests of this class.</summary>
public sealed class EtcdStoreContractTests(EtcdFixture etcd) : StoreContractTests, IClassFixture<EtcdFixture>
{
    /// <inheritdoc />
    protected override Task<IStore> CreateStoreAsync() => Task.FromResult<IStore>(new EtcdStore(etcd.Process.StoreOptions));

    /// <inheritdoc />
    protected override Task ElapseAsync(TimeSpan duration) => Task.Delay(duration);

    /// <inheritdoc />
    protected override Task CompactAsync(long revision) => ((EtcdStore)Store).CompactAsync(revision);
}
