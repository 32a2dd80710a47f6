using System.Text;

namespace Plexus.Interop.Netlink;

/// <summary>Names a network device either by interface name or by ifindex; converts implicitly from both.</summary>
public readonly record struct LinkRef
{
    private LinkRef(string? name, int index)
    {
        Name = name;
        Index = index;
    }

    /// <summary>The interface name, or null when the link is named by index.</summary>
    public string? Name { get; }

    /// <summary>The ifindex, or 0 when the link is named by name.</summary>
    public int Index { get; }

    /// <summary>A reference by interface name (at most 15 bytes, as IFNAMSIZ requires; no '/', ':' or spaces, as dev_valid_name requires).</summary>
    public static LinkRef ByName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.UTF8.GetByteCount(name) > 15 || name.Contains('/') || name.Contains(':') || name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{name}' is not a valid interface name", nameof(name));
        }

        return new LinkRef(name, 0);
    }

    /// <summary>A reference by ifindex (positive).</summary>
    public static LinkRef ByIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index);
        return new LinkRef(null, index);
    }

    /// <summary>Converts an interface name.</summary>
    public static implicit operator LinkRef(string name) => ByName(name);

    /// <summary>Converts an ifindex.</summary>
    public static implicit operator LinkRef(int index) => ByIndex(index);

    /// <summary>The name, or <c>if#index</c>.</summary>
    public override string ToString() => Name ?? $"if#{Index}";
}
