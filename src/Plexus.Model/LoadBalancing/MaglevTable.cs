using System.Globalization;

namespace Plexus.Model.LoadBalancing;

/// <summary>
/// A Maglev consistent-hashing lookup table (Eisenbud et al., NSDI 2016): <see cref="Size"/> slots (a prime), each
/// naming one backend. Backends are sorted by identity and their permutations come from <see cref="StableHash"/>,
/// so every node builds the same table from the same backend set, whatever order it learned the backends in.
/// </summary>
public sealed class MaglevTable
{
    /// <summary>The table size used when none is configured.</summary>
    public const int DefaultSize = 16381;

    /// <summary>The smallest table size accepted.</summary>
    public const int MinSize = 251;

    /// <summary>The largest table size accepted.</summary>
    public const int MaxSize = 131071;

    private readonly int[] _entries;

    private MaglevTable(int size, IReadOnlyList<MaglevBackend> backends, int[] entries)
    {
        Size = size;
        Backends = backends;
        _entries = entries;
    }

    /// <summary>The number of slots M (prime).</summary>
    public int Size { get; }

    /// <summary>The backends in table order (sorted by identity, ordinal); entries index into this list.</summary>
    public IReadOnlyList<MaglevBackend> Backends { get; }

    /// <summary>True when the table has no backend (and no entries): every lookup finds nothing.</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>The slots: index into <see cref="Backends"/> per slot; empty when there is no backend.</summary>
    public ReadOnlySpan<int> Entries => _entries;

    /// <summary>
    /// Builds the table of <paramref name="size"/> slots for <paramref name="backends"/>. Refused (as a value): a size that
    /// is not a prime within <see cref="MinSize"/>…<see cref="MaxSize"/>, an empty or duplicate identity, a weight outside
    /// 1…100, more backends than slots. No backends gives an empty table.
    /// </summary>
    public static MaglevBuildResult Build(IEnumerable<MaglevBackend> backends, int size = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(backends);
        if (size < MinSize || size > MaxSize || !IsPrime(size))
        {
            return Fail($"Maglev table size {size} must be a prime between {MinSize} and {MaxSize} (e.g. 251, 1021, 4093, {DefaultSize}, 65521, 131071)");
        }

        var sorted = new List<MaglevBackend>();
        foreach (var backend in backends)
        {
            if (backend is null || string.IsNullOrEmpty(backend.Id))
            {
                return Fail("a Maglev backend needs a non-empty identity");
            }

            if (backend.Weight is < MaglevBackend.MinWeight or > MaglevBackend.MaxWeight)
            {
                return Fail($"backend {backend.Id} has weight {backend.Weight}; weights are {MaglevBackend.MinWeight}…{MaglevBackend.MaxWeight}");
            }

            sorted.Add(backend);
        }

        sorted.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Id == sorted[i - 1].Id)
            {
                return Fail($"backend {sorted[i].Id} is listed twice");
            }
        }

        if (sorted.Count > size)
        {
            return Fail($"{sorted.Count} backends do not fit a Maglev table of {size} slots; use a larger prime size");
        }

        var entries = sorted.Count == 0 ? [] : Populate(sorted, size);
        return new MaglevBuildResult(new MaglevTable(size, sorted.AsReadOnly(), entries), null);
    }

    /// <summary>Whether <paramref name="value"/> is prime.</summary>
    public static bool IsPrime(int value)
    {
        if (value < 2)
        {
            return false;
        }

        if (value % 2 == 0)
        {
            return value == 2;
        }

        for (var d = 3; (long)d * d <= value; d += 2)
        {
            if (value % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The slot a flow with hash <paramref name="flowHash"/> falls in.</summary>
    public int Slot(ulong flowHash) => (int)(flowHash % (ulong)Size);

    /// <summary>The index into <see cref="Backends"/> for a flow hash; -1 when the table is empty.</summary>
    public int LookupIndex(ulong flowHash) => IsEmpty ? -1 : _entries[Slot(flowHash)];

    /// <summary>The backend for a flow hash; null when the table is empty.</summary>
    public MaglevBackend? Lookup(ulong flowHash) => IsEmpty ? null : Backends[_entries[Slot(flowHash)]];

    /// <summary>A copy of the slots (what the datapath's per-service Maglev map holds).</summary>
    public int[] ToArray() => (int[])_entries.Clone();

    /// <summary>How many slots each backend holds, in <see cref="Backends"/> order.</summary>
    public int[] CountSlots()
    {
        var counts = new int[Backends.Count];
        foreach (var entry in _entries)
        {
            counts[entry]++;
        }

        return counts;
    }

    // The Maglev population: backend i visits slots offset_i, offset_i + skip_i, … (mod M), a permutation of the table
    // because M is prime and 0 < skip_i < M; backends take turns claiming their next free slot until the table is full.
    // Weights: in round r a backend of weight w takes a turn iff ⌊(r+1)·w/W⌋ > ⌊r·w/W⌋ (W = the largest weight), so it
    // takes w turns in every W rounds; with equal weights every backend takes a turn every round (plain Maglev).
    private static int[] Populate(List<MaglevBackend> backends, int size)
    {
        var count = backends.Count;
        var offset = new long[count];
        var skip = new long[count];
        var next = new long[count];
        var maxWeight = 0;
        for (var i = 0; i < count; i++)
        {
            var id = backends[i].Id;
            offset[i] = (long)(StableHash.Primary(id) % (ulong)size);
            skip[i] = (long)(StableHash.Secondary(id) % (ulong)(size - 1)) + 1;
            maxWeight = Math.Max(maxWeight, backends[i].Weight);
        }

        var entries = new int[size];
        Array.Fill(entries, -1);
        var filled = 0;
        for (long round = 0; filled < size; round++)
        {
            for (var i = 0; i < count && filled < size; i++)
            {
                var weight = backends[i].Weight;
                if (weight != maxWeight && (round + 1) * weight / maxWeight == round * weight / maxWeight)
                {
                    continue;
                }

                long slot;
                do
                {
                    slot = (offset[i] + (next[i] * skip[i])) % size;
                    next[i]++;
                }
                while (entries[slot] >= 0);

                entries[slot] = i;
                filled++;
            }
        }

        return entries;
    }

    private static MaglevBuildResult Fail(string error) => new(null, error);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Maglev table of {Size} slots over {Backends.Count} backends");
}
