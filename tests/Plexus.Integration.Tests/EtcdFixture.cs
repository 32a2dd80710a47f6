using Plexus.Integration.Tests.Support;
using Plexus.Lab.Processes;

namespace Plexus.Integration.Tests;

/// <summary>A real etcd (Debian's binary) per test class, in a temp directory, killed and removed afterwards.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    /// <summary>The running member.</summary>
    public EtcdServer Etcd { get; private set; } = null!;

    /// <summary>Store URL for the CLI and agents.</summary>
    public string StoreUrl => Etcd.StoreUrl;

    /// <summary>A scratch directory for the test class.</summary>
    public TempDir Dir => _dir;

    /// <inheritdoc/>
    public async Task InitializeAsync() => Etcd = await EtcdServer.StartNewAsync(_dir["etcd"]);

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await Etcd.DisposeAsync();
        _dir.Dispose();
    }
}
