using System.Globalization;

namespace Plexus.Policy;

/// <summary>
/// A block of ports written as a prefix over the 16-bit port: <see cref="Port"/> with its top <see cref="Length"/>
/// bits fixed. Length 16 is one port, length 0 every port. Port ranges become a minimal set of aligned prefixes.
/// </summary>
/// <param name="Port">First port of the block (low bits cleared).</param>
/// <param name="Length">Number of fixed leading bits, 0–16.</param>
public readonly record struct PortPrefix(ushort Port, byte Length)
{
    /// <summary>Every port (0/0).</summary>
    public static PortPrefix All { get; } = new(0, 0);

    /// <summary>First port of the block.</summary>
    public int First => Port;

    /// <summary>Last port of the block.</summary>
    public int Last => Port + (int)(Size - 1);

    /// <summary>How many ports the block holds.</summary>
    public uint Size => 1u << (16 - Length);

    /// <summary>A single port.</summary>
    public static PortPrefix Single(int port) => new(checked((ushort)port), 16);

    /// <summary>Whether <paramref name="port"/> lies in the block.</summary>
    public bool Contains(int port) => port >= First && port <= Last;

    /// <summary>Whether <paramref name="other"/> lies entirely in this block.</summary>
    public bool Contains(PortPrefix other) => other.Length >= Length && Contains(other.Port);

    /// <summary>Splits the inclusive range [<paramref name="first"/>, <paramref name="last"/>] into the fewest aligned prefixes, in order.</summary>
    public static IReadOnlyList<PortPrefix> FromRange(int first, int last)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 65535);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, last);
        var result = new List<PortPrefix>();
        var start = first;
        while (start <= last)
        {
            // the largest block aligned at start that does not run past last
            var length = 16;
            while (length > 0)
            {
                var size = 1 << (16 - (length - 1));
                if ((start & (size - 1)) != 0 || start + size - 1 > last)
                {
                    break;
                }

                length--;
            }

            result.Add(new PortPrefix((ushort)start, (byte)length));
            start += 1 << (16 - length);
        }

        return result;
    }

    /// <summary><c>80</c> for one port, <c>80/14</c> for a block, <c>*</c> for every port.</summary>
    public override string ToString() =>
        Length == 0 ? "*" : Length == 16 ? Port.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{Port}/{Length}");
}
