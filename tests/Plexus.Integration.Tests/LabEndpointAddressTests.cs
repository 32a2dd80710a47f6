using System.Net;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Interop.Bpf;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Runtime;
using Plexus.Model;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Integration.Tests;

/// <summary>
/// A pod's address is claimed in the store while the pod is plumbed with it; a claim lost to another process of the node
/// (an overlapping agent restart) must leave nothing of that address behind and give the pod the next free one.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Privileged")]
public sealed class LabEndpointAddressTests
{
    [Fact]
    public async Task An_address_another_process_claimed_behind_the_agents_back_is_skipped_and_left_to_it()
    {
        await using var lab = new LabUnderTest(LabUnderTest.SmallTopology);
        var status = await lab.UpAsync();
        var instance = LabInstance.Load(lab.Name);
        var b = IPAddress.Parse((string)LabUnderTest.Pod(status, "x", "b")["ip"]!);
        var taken = Next(b);
        var key = StoreKeys.IpamAddress("c1", "n2", taken);
        var store = StoreFactory.Create(new StoreOptions { Url = instance.StoreUrl(instance.Cluster("c1")), ConnectCallback = NetnsSockets.ConnectCallback(instance.FabricNetns) });
        await using (store)
        {
            // n2's agent read its allocations when it connected pod b: it does not know of this one.
            var other = new IpamAddressRecord { Address = taken.ToString(), Block = "elsewhere", Owner = "other/process", AllocatedAt = DateTimeOffset.UtcNow };
            await store.PutAsync(key, other.ToJson());

            var late = new LabPod("late", "x", "c1", "n2", new Dictionary<string, string> { ["pod"] = "late" }, []);
            NetNs.Create(instance.Netns(late));
            var endpoint = await LabEndpoints.EnsureAsync(instance, late, TimeSpan.FromSeconds(20), CancellationToken.None);

            Assert.Equal(Next(taken), IPAddress.Parse(endpoint.Ip!));
            Assert.Equal("other/process", IpamAddressRecord.FromJson((await store.GetAsync(key))!.Value)!.Owner);
            using var endpoints = BpfMap.OpenPinned(Path.Combine(lab.Paths.PinDirectory("c1", "n2"), MapNames.Endpoints));
            Assert.Null(endpoints.Lookup<EndpointKey, EndpointInfo>(NodeDatapath.EndpointKeyOf(taken)));
            Assert.NotNull(endpoints.Lookup<EndpointKey, EndpointInfo>(NodeDatapath.EndpointKeyOf(IPAddress.Parse(endpoint.Ip!))));
        }

        var run = await lab.PlexusAsync("lab", "exec", "x/a", "--", "ping", "-c", "1", "-W", "2", Next(taken).ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private static IPAddress Next(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        bytes[3]++;
        return new IPAddress(bytes);
    }
}
