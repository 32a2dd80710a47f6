namespace Plexus.Store.Tests;

/// <summary>Which store <see cref="StoreFactory"/> builds for a URL.</summary>
public sealed class StoreFactoryTests
{
    [Fact]
    public async Task Memory_urls_give_an_in_memory_store()
    {
        await using var store = StoreFactory.Create(new StoreOptions { Url = "memory://" });
        Assert.IsType<InMemoryStore>(store);
    }

    [Theory]
    [InlineData("etcd://127.0.0.1:2379", "http://127.0.0.1:2379/")]
    [InlineData("etcd://10.0.0.1:2379, 10.0.0.2:2380/", "http://10.0.0.1:2379/ http://10.0.0.2:2380/")]
    [InlineData("ETCDS://[::1]:2379", "https://[::1]:2379/")]
    public async Task Etcd_urls_give_an_etcd_store_with_every_endpoint(string url, string endpoints)
    {
        await using var store = StoreFactory.Create(new StoreOptions { Url = url });
        Assert.Equal(endpoints, string.Join(' ', Assert.IsType<EtcdStore>(store).Endpoints));
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6379")]
    [InlineData("127.0.0.1:2379")]
    [InlineData("etcd://")]
    [InlineData("etcd://host:2379/path")]
    public void Other_urls_are_refused(string url)
    {
        Assert.ThrowsAny<ArgumentException>(() => StoreFactory.Create(new StoreOptions { Url = url }));
    }
}
