package io.trailboss.definition;

import io.trailboss.definition.DefinitionException.Problem;
import io.trailboss.json.PlainText;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML (1.1, as PyYAML and so Mistral and Ansible read it) into {@link YamlNode}s that keep
 * their position. Limits on size, nesting, aliases and the size after aliases are expanded keep a
 * hostile document from exhausting memory or the stack. What it gives back is plain data that can be
 * stored and read back unchanged: keys are unique, strings hold no NUL and no lone surrogate, numbers
 * are finite.
 */
public final class YamlReader {
    public static final int MAX_CHARS = 4 * 1024 * 1024;
    /** Nodes (scalars, sequences, mappings, keys included) after every alias is expanded where it is used. */
    public static final int MAX_NODES = 100_000;
    public static final int MAX_DEPTH = 64;
    public static final int MAX_ALIASES = 50;

    private YamlReader() {}

    /** How plain scalars become values. */
    public enum Schema {
        /** YAML 1.1 as PyYAML (and so Mistral and Ansible) reads it: workflow definitions, playbooks. */
        PYYAML,
        /**
         * Trailboss's own documents (operations, stages, stage maps, triggers): a key is the text written (so
         * {@code on:} stays "on"), and dates and sexagesimal numbers stay text.
         */
        DOCUMENT
    }

    public static YamlNode read(String text) {
        return read(text, Schema.PYYAML);
    }

    public static YamlNode read(String text, Schema schema) {
        if (text == null || text.isBlank()) {
            throw new DefinitionException(new Problem(1, 1, "", "the document is empty"));
        }
        if (text.length() > MAX_CHARS) {
            throw new DefinitionException(new Problem(0, 0, "", "the document is larger than " + MAX_CHARS + " characters"));
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CHARS);
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options), new org.yaml.snakeyaml.representer.Representer(new org.yaml.snakeyaml.DumperOptions()),
                new org.yaml.snakeyaml.DumperOptions(), options, schema == Schema.DOCUMENT ? new DocumentResolver() : new Resolver());
        Node root;
        try {
            // the composed graph shares an anchored node among its aliases: counted first on the events, so
            // that a document of aliases of aliases is refused before anything is expanded
            checkExpansion(yaml.parse(new StringReader(text)));
            root = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (e.getContext() != null) what = e.getContext() + ": " + what;
            throw new DefinitionException(new Problem(mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1, "", "malformed YAML: " + what.trim()));
        } catch (YAMLException e) {
            throw new DefinitionException(new Problem(0, 0, "", "malformed YAML: " + e.getMessage()));
        }
        if (root == null) throw new DefinitionException(new Problem(1, 1, "", "the document is empty"));
        Values values = new Values(options, schema == Schema.DOCUMENT);
        return convert(root, "", values);
    }

    /** YAML 1.1's implicit types without timestamps and sexagesimal (base 60) numbers. */
    private static final class DocumentResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.INT, Pattern.compile("^(?:[-+]?0b_*[0-1][0-1_]*|[-+]?0_*[0-7][0-7_]*|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x_*[0-9a-fA-F][0-9a-fA-F_]*)$"),
                    "-+0123456789");
            addImplicitResolver(Tag.FLOAT, Pattern.compile("^([-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
                    + "|[-+]?\\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"), "-+0123456789.");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    /** A sequence or mapping being read: its anchor and how many nodes it holds so far, itself included. */
    private static final class Open {
        final String anchor;
        long nodes = 1;

        Open(String anchor) {
            this.anchor = anchor;
        }
    }

    /**
     * Counts the nodes of the document as if every alias were replaced by a copy of what it names, and refuses
     * an alias inside the node it names (a recursive structure, which has no end when expanded).
     */
    private static void checkExpansion(Iterable<Event> events) {
        Map<String, Long> anchored = new HashMap<>();
        Deque<Open> open = new ArrayDeque<>();
        long total = 0;
        for (Event e : events) {
            long added;
            switch (e) {
                case ScalarEvent s -> {
                    added = 1;
                    if (s.getAnchor() != null) anchored.put(s.getAnchor(), 1L);
                }
                case CollectionStartEvent c -> {
                    total += 1;
                    open.push(new Open(c.getAnchor()));
                    added = 0;
                }
                case CollectionEndEvent c -> {
                    Open done = open.pop();
                    if (done.anchor != null) anchored.put(done.anchor, done.nodes);
                    if (!open.isEmpty()) open.peek().nodes += done.nodes;
                    continue;
                }
                case AliasEvent a -> {
                    for (Open o : open) {
                        if (a.getAnchor().equals(o.anchor)) {
                            throw problem(a.getStartMark(), "alias *" + a.getAnchor() + " is inside the node its anchor &" + a.getAnchor()
                                    + " names: a recursive structure is not allowed");
                        }
                    }
                    Long size = anchored.get(a.getAnchor());
                    if (size == null) continue; // an undefined alias: composing reports it
                    added = size;
                }
                default -> {
                    continue;
                }
            }
            total += added;
            if (!open.isEmpty()) open.peek().nodes += added;
            if (total > MAX_NODES) {
                throw problem(e.getStartMark(), "the document expands to more than " + MAX_NODES + " nodes (the limit) once each alias"
                        + " is replaced by the nodes it repeats");
            }
        }
    }

    private static DefinitionException problem(Mark mark, String message) {
        return new DefinitionException(new Problem(mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1, "", message));
    }

    private static YamlNode convert(Node node, String path, Values values) {
        int line = node.getStartMark().getLine() + 1;
        int column = node.getStartMark().getColumn() + 1;
        return switch (node) {
            case ScalarNode scalar -> new YamlNode.Scalar(values.scalar(scalar, path, "the value"), path, line, column);
            case SequenceNode seq -> {
                List<YamlNode> items = new ArrayList<>();
                int i = 0;
                for (Node item : seq.getValue()) items.add(convert(item, path + "[" + i++ + "]", values));
                yield new YamlNode.Sequence(items, path, line, column);
            }
            case MappingNode map -> {
                LinkedHashMap<String, YamlNode> entries = new LinkedHashMap<>();
                Map<String, YamlNode> keys = new HashMap<>();
                for (NodeTuple tuple : map.getValue()) {
                    Node keyNode = tuple.getKeyNode();
                    if (!(keyNode instanceof ScalarNode scalarKey)) {
                        throw new DefinitionException(new Problem(keyNode.getStartMark().getLine() + 1, keyNode.getStartMark().getColumn() + 1, path, "a mapping key must be a plain value"));
                    }
                    Object keyValue = values.scalar(scalarKey, path, "the key");
                    String key = values.keysAsWritten && scalarKey.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? scalarKey.getValue() : String.valueOf(keyValue);
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    int keyLine = keyNode.getStartMark().getLine() + 1;
                    int keyColumn = keyNode.getStartMark().getColumn() + 1;
                    YamlNode first = keys.get(key);
                    if (first != null) {
                        // composing a document does not check keys (only constructing does): a second 'tasks:' would
                        // silently replace the first
                        throw new DefinitionException(new Problem(keyLine, keyColumn, childPath, "duplicate key '" + key
                                + "' (first at line " + first.line() + ", column " + first.column() + ")"));
                    }
                    keys.put(key, new YamlNode.Scalar(key, childPath, keyLine, keyColumn));
                    entries.put(key, convert(tuple.getValueNode(), childPath, values));
                }
                yield new YamlNode.Mapping(entries, keys, path, line, column);
            }
            default -> throw new DefinitionException(new Problem(line, column, path, "unsupported YAML node"));
        };
    }

    /** Turns a resolved scalar (int, float, bool, null, timestamp, string) into plain data. */
    private static final class Values extends SafeConstructor {
        final boolean keysAsWritten;

        Values(LoaderOptions options, boolean keysAsWritten) {
            super(options);
            this.keysAsWritten = keysAsWritten;
        }

        /** A tag the value does not fit ({@code !!int abc}, {@code !!binary @}, a {@code <<} merge key) is a problem at its place. */
        Object scalar(ScalarNode node, String path, String what) {
            Object value;
            try {
                value = constructObject(node);
            } catch (YAMLException | IllegalArgumentException e) {
                String why = e instanceof MarkedYAMLException m && m.getProblem() != null ? m.getProblem() : e.getMessage();
                throw new DefinitionException(new Problem(node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1, path,
                        "malformed YAML: " + node.getTag().getValue() + " '" + abbreviate(node.getValue()) + "' cannot be read: " + why));
            }
            if (value instanceof java.math.BigInteger big) {
                return big.bitLength() < 64 ? (Object) big.longValue() : big.toString();
            }
            if (value instanceof java.util.Date date) return date.toInstant().toString();
            if (value instanceof byte[] bytes) value = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
                throw problemAt(node, path, "'" + node.getValue() + "' is not a finite number, and could not be stored and read back;"
                        + " quote it to mean the text");
            }
            if (value instanceof String s) {
                String bad = PlainText.problem(s);
                if (bad != null) throw problemAt(node, path, what + " " + bad);
            }
            return value;
        }

        private static DefinitionException problemAt(Node node, String path, String message) {
            return new DefinitionException(new Problem(node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1, path, message));
        }

        private static String abbreviate(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "…" : s;
        }
    }
}
