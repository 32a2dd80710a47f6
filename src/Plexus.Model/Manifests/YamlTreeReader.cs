using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Plexus.Model;

/// <summary>
/// Turns YAML (or JSON, which is YAML) text into <see cref="SourceNode"/> trees that keep positions and scalar
/// styles. Iterative, so deep nesting cannot overflow the stack; aliases share nodes, and a document whose alias
/// expansion exceeds <see cref="MaxExpandedNodes"/> is refused (billion-laughs guard).
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>Most nodes a document may expand to once aliases are followed.</summary>
    public const long MaxExpandedNodes = 1_000_000;

    /// <summary>Reads every document of <paramref name="text"/>; stops at the first syntax error.</summary>
    public static (IReadOnlyList<SourceDocument> Documents, SyntaxError? Error) Read(string text)
    {
        var documents = new List<SourceDocument>();
        var parser = new Parser(new StringReader(text));
        var stack = new List<Frame>();
        var anchors = new Dictionary<string, (SourceNode Node, long Size)>(StringComparer.Ordinal);
        var number = 0;
        var inDocument = false;
        SourceNode? root = null;
        long rootSize = 0;
        Mark last = Mark.Empty;

        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                last = ev.End;
                switch (ev)
                {
                    case DocumentStart:
                        number++;
                        inDocument = true;
                        anchors.Clear();
                        root = null;
                        rootSize = 0;
                        break;
                    case DocumentEnd:
                        inDocument = false;
                        documents.Add(new SourceDocument(number, root));
                        break;
                    case Scalar scalar:
                        var node = new ScalarNode(scalar.Value, scalar.Style == ScalarStyle.Plain, scalar.Tag.IsEmpty ? null : scalar.Tag.Value, (int)scalar.Start.Line, (int)scalar.Start.Column);
                        Remember(scalar, node, 1);
                        Attach(node, 1);
                        break;
                    case SequenceStart sequence:
                        stack.Add(new Frame(new SequenceNode((int)sequence.Start.Line, (int)sequence.Start.Column), sequence, sequence.Style == SequenceStyle.Flow));
                        break;
                    case MappingStart mapping:
                        stack.Add(new Frame(new MappingNode((int)mapping.Start.Line, (int)mapping.Start.Column), mapping, mapping.Style == MappingStyle.Flow));
                        break;
                    case SequenceEnd or MappingEnd:
                        var frame = stack[^1];
                        stack.RemoveAt(stack.Count - 1);
                        Remember(frame.Event, frame.Node, frame.Size);
                        Attach(frame.Node, frame.Size);
                        break;
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            return (documents, new SyntaxError(number, (int)alias.Start.Line, (int)alias.Start.Column,
                                $"YAML error: alias *{alias.Value.Value} refers to no anchor defined before it"));
                        }

                        Attach(target.Node, target.Size);
                        break;
                }

                if (rootSize > MaxExpandedNodes || (stack.Count > 0 && stack[^1].Size > MaxExpandedNodes))
                {
                    return (documents, new SyntaxError(number, (int)ev.Start.Line, (int)ev.Start.Column,
                        $"YAML error: document expands to more than {MaxExpandedNodes} nodes through aliases"));
                }
            }
        }
        catch (YamlException e)
        {
            var open = stack.LastOrDefault(f => f.Flow);
            var hint = open is null ? "" : $" (the {(open.Node is SequenceNode ? "'['" : "'{'")} at line {open.Node.Line}, column {open.Node.Column} is never closed?)";
            return (documents, new SyntaxError(inDocument ? number : number + 1, (int)e.Start.Line, (int)e.Start.Column, "YAML syntax error: " + e.Message + hint));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some truncated flow collections ("[1, 2" at end of input).
            var open = stack.LastOrDefault(f => f.Flow);
            return open is not null
                ? (documents, new SyntaxError(number, open.Node.Line, open.Node.Column, "YAML syntax error: flow collection is never closed"))
                : (documents, new SyntaxError(number, (int)last.Line, (int)last.Column, "YAML syntax error: malformed document"));
        }

        return (documents, null);

        void Remember(NodeEvent ev, SourceNode node, long size)
        {
            if (!ev.Anchor.IsEmpty)
            {
                anchors[ev.Anchor.Value] = (node, size);
            }
        }

        void Attach(SourceNode node, long size)
        {
            if (stack.Count == 0)
            {
                root = node;
                rootSize = size;
                return;
            }

            var top = stack[^1];
            top.Size += size;
            switch (top.Node)
            {
                case SequenceNode sequence:
                    sequence.Add(node);
                    break;
                case MappingNode mapping when top.PendingKey is null:
                    top.PendingKey = node;
                    break;
                case MappingNode mapping:
                    mapping.Add(top.PendingKey, node);
                    top.PendingKey = null;
                    break;
            }
        }
    }

    private sealed class Frame(SourceNode node, NodeEvent ev, bool flow)
    {
        public SourceNode Node { get; } = node;

        public NodeEvent Event { get; } = ev;

        public bool Flow { get; } = flow;

        public long Size { get; set; } = 1;

        public SourceNode? PendingKey { get; set; }
    }
}
