namespace Plexus.Store.Tests;

/// <summary>One etcd shared by the tests of a class; tests keep to their own key prefixes.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private EtcdProcess? _process;

    /// <summary>The running etcd.</summary>
    public EtcdProcess Process => _process ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _process = await EtcdProcess.StartNewAsync();

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _process?.Dispose();
        return Task.CompletedTask;
    }
}
