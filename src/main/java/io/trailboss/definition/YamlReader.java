package io.trailboss.definition;

import io.trailboss.definition.DefinitionException.Problem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads YAML (1.1, as PyYAML and so Mistral and Ansible read it) into {@link YamlNode}s that keep
 * their position. Limits on size, nesting and aliases keep a hostile document from exhausting
 * memory.
 */
public final class YamlReader {
    public static final int MAX_CHARS = 4 * 1024 * 1024;
    private static final int MAX_DEPTH = 64;

    private YamlReader() {}

    public static YamlNode read(String text) {
        if (text == null || text.isBlank()) {
            throw new DefinitionException(new Problem(1, 1, "", "the document is empty"));
        }
        if (text.length() > MAX_CHARS) {
            throw new DefinitionException(new Problem(0, 0, "", "the document is larger than " + MAX_CHARS + " characters"));
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CHARS);
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options), new org.yaml.snakeyaml.representer.Representer(new org.yaml.snakeyaml.DumperOptions()), new org.yaml.snakeyaml.DumperOptions(), options);
        Node root;
        try {
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
        Values values = new Values(options);
        return convert(root, "", values);
    }

    private static YamlNode convert(Node node, String path, Values values) {
        int line = node.getStartMark().getLine() + 1;
        int column = node.getStartMark().getColumn() + 1;
        return switch (node) {
            case ScalarNode scalar -> new YamlNode.Scalar(values.scalar(scalar, path), path, line, column);
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
                    Object keyValue = values.scalar(scalarKey, path);
                    String key = String.valueOf(keyValue);
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    keys.put(key, new YamlNode.Scalar(key, childPath, keyNode.getStartMark().getLine() + 1, keyNode.getStartMark().getColumn() + 1));
                    entries.put(key, convert(tuple.getValueNode(), childPath, values));
                }
                yield new YamlNode.Mapping(entries, keys, path, line, column);
            }
            default -> throw new DefinitionException(new Problem(line, column, path, "unsupported YAML node"));
        };
    }

    /** Turns a resolved scalar (int, float, bool, null, timestamp, string) into plain data. */
    private static final class Values extends SafeConstructor {
        Values(LoaderOptions options) {
            super(options);
        }

        /** A tag the value does not fit ({@code !!int abc}, {@code !!binary @}, a {@code <<} merge key) is a problem at its place. */
        Object scalar(ScalarNode node, String path) {
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
            if (value instanceof byte[] bytes) return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            return value;
        }

        private static String abbreviate(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "…" : s;
        }
    }
}
