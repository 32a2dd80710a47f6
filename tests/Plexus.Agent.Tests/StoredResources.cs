using Plexus.Model;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>Puts resources into a store the way <c>plexus apply</c> does, for controller tests.</summary>
internal static class StoredResources
{
    /// <summary>Parses <paramref name="yaml"/> (it must be valid), stores every resource, and returns the last one's key.</summary>
    public static async Task<string> ApplyAsync(IStore store, string yaml)
    {
        var parsed = ManifestLoader.Parse(yaml, "test.yaml");
        Assert.Empty(parsed.Errors);
        foreach (var resource in parsed.Resources)
        {
            await store.PutAsync(resource.Key.StoreKey, resource.ToJsonString());
        }

        return parsed.Resources[^1].Key.StoreKey;
    }
}
