namespace Plexus.Policy;

/// <summary>
/// Identities and the selectors in use, each selector with the set of identities it selects. Identity changes
/// update every selector's set and report which selectors changed; new selectors are evaluated through a label
/// index (key=value → identities) so a namespace-restricted selector only looks at its namespace.
/// </summary>
internal sealed class SelectorCache
{
    private readonly Dictionary<uint, IdentityView> _identities = [];
    private readonly Dictionary<string, HashSet<uint>> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<uint, IdentityView> Identities => _identities;

    public int SelectorCount => _slots.Count;

    public IReadOnlySet<uint> Members(PeerSelector selector) => _slots[selector.Key].Members;

    public IdentityView? Find(uint number) => _identities.GetValueOrDefault(number);

    /// <summary>Adds a use of <paramref name="selector"/>, evaluating it when new.</summary>
    public void Acquire(PeerSelector selector)
    {
        if (_slots.TryGetValue(selector.Key, out var slot))
        {
            slot.References++;
            return;
        }

        _slots[selector.Key] = new Slot(selector, Evaluate(selector)) { References = 1 };
    }

    /// <summary>Drops a use of <paramref name="selector"/>; forgets it after the last.</summary>
    public void Release(PeerSelector selector)
    {
        if (_slots.TryGetValue(selector.Key, out var slot) && --slot.References == 0)
        {
            _slots.Remove(selector.Key);
        }
    }

    /// <summary>
    /// Replaces the views of <paramref name="changed"/> (null = identity removed) and returns the keys of selectors
    /// whose identity set changed.
    /// </summary>
    public HashSet<string> Update(IReadOnlyDictionary<uint, IdentityView?> changed)
    {
        foreach (var (number, view) in changed)
        {
            if (_identities.Remove(number, out var old))
            {
                foreach (var key in old.IndexKeys)
                {
                    if (_index.TryGetValue(key, out var set))
                    {
                        set.Remove(number);
                    }
                }
            }

            if (view is not null)
            {
                _identities[number] = view;
                foreach (var key in view.IndexKeys)
                {
                    if (!_index.TryGetValue(key, out var set))
                    {
                        _index[key] = set = [];
                    }

                    set.Add(number);
                }
            }
        }

        var changedSelectors = new HashSet<string>(StringComparer.Ordinal);
        var bulk = changed.Count > 64 && changed.Count * 4 > _identities.Count;
        foreach (var slot in _slots.Values)
        {
            if (bulk)
            {
                var members = Evaluate(slot.Selector);
                if (!members.SetEquals(slot.Members))
                {
                    slot.Members = members;
                    changedSelectors.Add(slot.Selector.Key);
                }

                continue;
            }

            foreach (var (number, view) in changed)
            {
                var now = view is not null && slot.Selector.Matches(view);
                if (now ? slot.Members.Add(number) : slot.Members.Remove(number))
                {
                    changedSelectors.Add(slot.Selector.Key);
                }
            }
        }

        return changedSelectors;
    }

    private HashSet<uint> Evaluate(PeerSelector selector)
    {
        var members = new HashSet<uint>();
        if (selector.IndexCandidates is { } keys)
        {
            foreach (var key in keys)
            {
                if (_index.TryGetValue(key, out var candidates))
                {
                    foreach (var number in candidates)
                    {
                        if (selector.Matches(_identities[number]))
                        {
                            members.Add(number);
                        }
                    }
                }
            }

            return members;
        }

        foreach (var view in _identities.Values)
        {
            if (selector.Matches(view))
            {
                members.Add(view.Number);
            }
        }

        return members;
    }

    private sealed class Slot(PeerSelector selector, HashSet<uint> members)
    {
        public PeerSelector Selector { get; } = selector;

        public HashSet<uint> Members { get; set; } = members;

        public int References { get; set; }
    }
}
