using System.Globalization;

namespace Plexus.Model;

/// <summary>A port given by number or by name (a named port resolves against the destination's declared ports).</summary>
public sealed record PortRef
{
    private PortRef(int? number, string? name)
    {
        Number = number;
        Name = name;
    }

    /// <summary>The port number (1–65535); null for a named port.</summary>
    public int? Number { get; }

    /// <summary>The port name; null for a numbered port.</summary>
    public string? Name { get; }

    /// <summary>True when the port is given by name.</summary>
    public bool IsNamed => Name is not null;

    /// <summary>A numbered port.</summary>
    public static PortRef FromNumber(int number) =>
        number is >= 1 and <= 65535 ? new PortRef(number, null) : throw new ArgumentOutOfRangeException(nameof(number), number, "port must be 1-65535");

    /// <summary>A named port.</summary>
    public static PortRef FromName(string name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("port name must not be empty", nameof(name)) : new PortRef(null, name);

    /// <summary>The number or the name.</summary>
    public override string ToString() => Name ?? Number!.Value.ToString(CultureInfo.InvariantCulture);
}
