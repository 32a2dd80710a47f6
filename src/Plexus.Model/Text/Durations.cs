using System.Globalization;

namespace Plexus.Model.Text;

/// <summary>Parses Go-style durations as users type them: <c>1s</c>, <c>500ms</c>, <c>2m</c>, <c>1.5s</c>, or a bare number of seconds.</summary>
public static class Durations
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a positive duration.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var (number, unit) = Split(text.Trim());
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        double? ms = unit switch
        {
            "" or "s" => n * 1000,
            "ms" => n,
            "m" => n * 60_000,
            "h" => n * 3_600_000,
            _ => null,
        };
        if (ms is null)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(ms.Value);
        return true;
    }

    /// <summary>Formats a duration the way <see cref="TryParse"/> reads it back (e.g. <c>1.5s</c>, <c>250ms</c>, <c>3m</c>).</summary>
    public static string Format(TimeSpan value) => value switch
    {
        { TotalMilliseconds: < 1000 } => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###}ms"),
        { TotalSeconds: < 120 } => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###}s"),
        { TotalMinutes: < 120 } => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0.#}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value.TotalHours:0.#}h"),
    };

    private static (string Number, string Unit) Split(string text)
    {
        var i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        return (text[..i], text[i..]);
    }
}
