namespace Plexus.Model;

/// <summary>Reads the parts of a Namespace besides metadata (tolerated so Kubernetes output can be applied).</summary>
internal static class NamespaceValidator
{
    private static readonly string[] Phases = ["Active", "Terminating"];

    /// <summary>Reads <c>spec.finalizers</c> and <c>status.phase</c>, which Plexus ignores.</summary>
    public static void Read(ObjectReader root)
    {
        if (root.Object("spec") is { } spec)
        {
            spec.Strings("finalizers", v => NameSyntax.QualifiedName(v) is { } problem ? $"invalid finalizer \"{v}\": {problem}" : null);
        }

        if (root.Object("status") is { } status)
        {
            status.Enum("phase", Phases);
        }
    }
}
