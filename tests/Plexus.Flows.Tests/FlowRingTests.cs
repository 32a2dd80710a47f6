namespace Plexus.Flows.Tests;

public sealed class FlowRingTests
{
    private static readonly FlowEndpoint A = Flows.Pod("x", "a", 65792);
    private static readonly FlowEndpoint B = Flows.Pod("x", "b", 65793);

    [Fact]
    public void A_full_ring_overwrites_the_oldest_and_returns_the_newest_last_in_order()
    {
        var ring = new FlowRing(4);
        for (var i = 0; i < 10; i++)
        {
            ring.Add(Flows.Tcp(A, B, 1000 + i, seconds: i));
        }

        Assert.Equal(4, ring.Count);
        Assert.Equal(10, ring.Added);
        var all = ring.Snapshot(new FlowQuery());
        Assert.Equal([1006, 1007, 1008, 1009], all.Select(f => f.L4!.Tcp!.DestinationPort));
        var last2 = ring.Snapshot(new FlowQuery { Last = 2 });
        Assert.Equal([1008, 1009], last2.Select(f => f.L4!.Tcp!.DestinationPort));
    }

    [Fact]
    public void A_batch_is_stored_in_order_wraps_like_single_adds_and_reaches_each_follower_by_its_query()
    {
        var ring = new FlowRing(4);
        var errors = new List<string>();
        var (_, even) = ring.Follow(new FlowQuery { Include = FlowFilter.Create([("to-port", "1002"), ("to-port", "1004")], errors) }, queueCapacity: 1);
        var (_, all) = ring.Follow(new FlowQuery());
        using (even)
        using (all)
        {
            ring.AddRange([.. Enumerable.Range(0, 6).Select(i => Flows.Tcp(A, B, 1000 + i, seconds: i))]);

            Assert.Equal((4, 6L), (ring.Count, ring.Added));
            Assert.Equal([1002, 1003, 1004, 1005], ring.Snapshot(new FlowQuery()).Select(f => f.L4!.Tcp!.DestinationPort));
            Assert.Equal([1000, 1001, 1002, 1003, 1004, 1005], Drain(all).Select(f => f.L4!.Tcp!.DestinationPort));
            Assert.Equal([1002], Drain(even).Select(f => f.L4!.Tcp!.DestinationPort));
            Assert.Equal((1L, 1L), (even.Lost, ring.FollowerLost));
        }

        Assert.Throws<ArgumentException>(() => ring.AddRange([Flows.Tcp(A, B, 80), null!]));
        Assert.Equal(6L, ring.Added); // nothing of a refused batch is stored
    }

    private static List<Flow> Drain(FlowFollower follower)
    {
        var flows = new List<Flow>();
        while (follower.Reader.TryRead(out var flow))
        {
            flows.Add(flow);
        }

        return flows;
    }

    [Fact]
    public void Last_counts_matching_flows_only()
    {
        var ring = new FlowRing(100);
        for (var i = 0; i < 20; i++)
        {
            ring.Add(Flows.Tcp(A, B, 80, i % 2 == 0 ? "DROPPED" : "FORWARDED", i % 2 == 0 ? 133 : 0, seconds: i));
        }

        var errors = new List<string>();
        var dropped = ring.Snapshot(new FlowQuery { Include = FlowFilter.Create([("verdict", "DROPPED")], errors), Last = 3 });
        Assert.Equal([14, 16, 18], dropped.Select(f => (int)(f.Time - Flows.T0).TotalSeconds));
    }

    [Fact]
    public async Task A_follower_gets_later_matching_flows_and_counts_what_it_could_not_take()
    {
        var ring = new FlowRing(100);
        ring.Add(Flows.Tcp(A, B, 80));
        var errors = new List<string>();
        var (stored, follower) = ring.Follow(new FlowQuery { Include = FlowFilter.Create([("to-port", "81")], errors) }, queueCapacity: 2);
        using (follower)
        {
            Assert.Empty(stored);
            ring.Add(Flows.Tcp(A, B, 80));
            for (var i = 0; i < 5; i++)
            {
                ring.Add(Flows.Tcp(A, B, 81, seconds: i));
            }

            Assert.Equal(3, follower.Lost);
            Assert.Equal(3, ring.FollowerLost);
            Assert.True(follower.Reader.TryRead(out var first));
            Assert.Equal(Flows.T0, first.Time);
            Assert.True(follower.Reader.TryRead(out _));
            Assert.False(follower.Reader.TryRead(out _));
        }

        ring.Add(Flows.Tcp(A, B, 81));
        Assert.False(await follower.Reader.WaitToReadAsync());
    }
}
