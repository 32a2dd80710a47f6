using System.Threading.Channels;

namespace Plexus.Flows;

/// <summary>
/// The node's recent flows: a fixed-capacity ring (the oldest flow is overwritten) plus followers that receive new
/// flows as they are added. Adding never blocks: a follower whose queue is full loses the flow, and the loss is
/// counted on the follower and in <see cref="FollowerLost"/>. Thread-safe.
/// </summary>
public sealed class FlowRing
{
    /// <summary>Hubble keeps 4095 flows per node; Plexus defaults to 65,535 (REFERENCE: users lose events under load).</summary>
    public const int DefaultCapacity = 65_535;

    private readonly Lock _lock = new();
    private readonly Flow?[] _flows;
    private readonly List<FlowFollower> _followers = [];
    private long _added;
    private long _followerLost;

    /// <summary>A ring of <paramref name="capacity"/> flows.</summary>
    public FlowRing(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _flows = new Flow?[capacity];
    }

    /// <summary>How many flows the ring holds at most.</summary>
    public int Capacity => _flows.Length;

    /// <summary>Flows added since start.</summary>
    public long Added => Interlocked.Read(ref _added);

    /// <summary>Flows followers could not take (summed over followers).</summary>
    public long FollowerLost => Interlocked.Read(ref _followerLost);

    /// <summary>How many flows the ring holds now.</summary>
    public int Count => (int)Math.Min(Added, _flows.Length);

    /// <summary>Stores <paramref name="flow"/> and hands it to every follower whose query it matches.</summary>
    public void Add(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        lock (_lock)
        {
            Store(flow);
            foreach (var follower in _followers)
            {
                Hand(follower, flow);
            }
        }
    }

    /// <summary>
    /// Stores <paramref name="flows"/> in order and hands them to the followers, follower by follower: a follower whose
    /// reader waits is woken once for the batch instead of once per flow.
    /// </summary>
    public void AddRange(IReadOnlyList<Flow> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        for (var i = 0; i < flows.Count; i++)
        {
            if (flows[i] is null)
            {
                throw new ArgumentException($"flow {i} is null", nameof(flows));
            }
        }

        lock (_lock)
        {
            for (var i = 0; i < flows.Count; i++)
            {
                Store(flows[i]);
            }

            foreach (var follower in _followers)
            {
                for (var i = 0; i < flows.Count; i++)
                {
                    Hand(follower, flows[i]);
                }
            }
        }
    }

    /// <summary>The stored flows matching <paramref name="query"/>, oldest first, at most its <see cref="FlowQuery.Last"/>.</summary>
    public IReadOnlyList<Flow> Snapshot(FlowQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            return Collect(query);
        }
    }

    /// <summary>
    /// The stored flows matching <paramref name="query"/> and a follower that receives every later match, taken under one
    /// lock so nothing falls between them. Dispose the follower to stop.
    /// </summary>
    public (IReadOnlyList<Flow> Stored, FlowFollower Follower) Follow(FlowQuery query, int queueCapacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(query);
        var follower = new FlowFollower(this, query, queueCapacity);
        lock (_lock)
        {
            _followers.Add(follower);
            return (Collect(query), follower);
        }
    }

    internal void Remove(FlowFollower follower)
    {
        lock (_lock)
        {
            _followers.Remove(follower);
        }
    }

    private void Store(Flow flow)
    {
        _flows[(int)(_added % _flows.Length)] = flow;
        Interlocked.Increment(ref _added);
    }

    private void Hand(FlowFollower follower, Flow flow)
    {
        if (follower.Query.Matches(flow) && !follower.Writer.TryWrite(flow))
        {
            follower.CountLost();
            Interlocked.Increment(ref _followerLost);
        }
    }

    private List<Flow> Collect(FlowQuery query)
    {
        var count = (int)Math.Min(_added, _flows.Length);
        var want = query.Last ?? int.MaxValue;
        var result = new List<Flow>();
        for (var i = 0; i < count && result.Count < want; i++)
        {
            var flow = _flows[(int)((_added - 1 - i) % _flows.Length)]!;
            if (query.Matches(flow))
            {
                result.Add(flow);
            }
        }

        result.Reverse();
        return result;
    }
}
