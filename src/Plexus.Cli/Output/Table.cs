using System.Text;

namespace Plexus.Cli.Output;

/// <summary>A kubectl-style table: upper-case headers, columns padded to the widest cell, two spaces apart.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; missing cells print as empty.</summary>
    public Table Add(params string?[] cells)
    {
        var row = new string[headers.Length];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = i < cells.Length ? cells[i] ?? "" : "";
        }

        _rows.Add(row);
        return this;
    }

    /// <summary>Number of data rows.</summary>
    public int Count => _rows.Count;

    /// <summary>Renders headers and rows, each line without trailing spaces.</summary>
    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(headers))
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
