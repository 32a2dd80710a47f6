namespace Plexus.Agent.Tests;

/// <summary>Tests against the shared real etcd (serialized: they share its key space).</summary>
[CollectionDefinition(Name)]
public sealed class EtcdCollection : ICollectionFixture<EtcdFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "etcd";
}
