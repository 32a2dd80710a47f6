using Plexus.Agent.ControlPlane.Policy;
using Plexus.Datapath.Policy;
using Plexus.Policy;

namespace Plexus.Agent.Tests;

/// <summary>An <see cref="IPolicyDatapath"/> and CIDR sink that record what they are given (the real ones need a kernel).</summary>
internal sealed class FakePolicyDatapath : IPolicyDatapath, ICidrIdentitySink
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, (IReadOnlyList<PolicyEntry> Entries, DirectionPolicy Ingress, DirectionPolicy Egress)> _programmed = [];
    private readonly Dictionary<Plexus.Model.Cidr, uint> _cidrs = [];

    /// <summary>How many of the next syncs fail with a full map.</summary>
    public int FailNext { get; set; }

    /// <summary>Sync calls, also the failed ones.</summary>
    public int SyncCount { get; private set; }

    public IReadOnlyCollection<int> Endpoints { get { lock (_lock) { return _programmed.Keys.ToList(); } } }

    public PolicyMapCounts Counts { get { lock (_lock) { return new PolicyMapCounts(_programmed.Count, _programmed.Values.Sum(p => p.Entries.Count), 65536, 0); } } }

    public IReadOnlyDictionary<Plexus.Model.Cidr, uint> Cidrs { get { lock (_lock) { return new Dictionary<Plexus.Model.Cidr, uint>(_cidrs); } } }

    public (IReadOnlyList<PolicyEntry> Entries, DirectionPolicy Ingress, DirectionPolicy Egress)? Of(int endpoint)
    {
        lock (_lock)
        {
            return _programmed.TryGetValue(endpoint, out var p) ? p : null;
        }
    }

    /// <summary>Pretends an earlier run programmed <paramref name="endpoint"/>.</summary>
    public void Preload(int endpoint)
    {
        lock (_lock)
        {
            _programmed[endpoint] = ([], DirectionPolicy.Open, DirectionPolicy.Open);
        }
    }

    public PolicySyncResult Sync(int endpointId, IReadOnlyList<PolicyEntry> entries, DirectionPolicy ingress, DirectionPolicy egress)
    {
        lock (_lock)
        {
            SyncCount++;
            if (FailNext > 0)
            {
                FailNext--;
                return new PolicySyncResult(endpointId, 0, 0, 0, PolicySyncError.MapFull, $"endpoint {endpointId} does not fit");
            }

            _programmed[endpointId] = (entries, ingress, egress);
            return new PolicySyncResult(endpointId, entries.Count, 0, 0);
        }
    }

    public PolicySyncResult Remove(int endpointId)
    {
        lock (_lock)
        {
            _programmed.Remove(endpointId);
            return new PolicySyncResult(endpointId, 0, 0, 0);
        }
    }

    public IReadOnlyList<string>? DescribeRule(uint ruleId) => null;

    public void Upsert(CidrIdentity identity)
    {
        lock (_lock)
        {
            _cidrs[identity.Cidr] = identity.Number;
        }
    }

    public void Remove(CidrIdentity identity)
    {
        lock (_lock)
        {
            _cidrs.Remove(identity.Cidr);
        }
    }
}
