namespace Plexus.Model;

/// <summary>Builds field paths as users read them: <c>spec.ingress[0].fromEndpoints[1]</c>, <c>metadata.labels["app.kubernetes.io/name"]</c>.</summary>
internal static class FieldPath
{
    /// <summary>The path of field <paramref name="name"/> under <paramref name="parent"/>.</summary>
    public static string Field(string parent, string name) =>
        IsSimple(name) ? (parent.Length == 0 ? name : parent + "." + name) : parent + "[\"" + name + "\"]";

    /// <summary>The path of item <paramref name="index"/> of the list at <paramref name="parent"/>.</summary>
    public static string Item(string parent, int index) => parent + "[" + index + "]";

    private static bool IsSimple(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
