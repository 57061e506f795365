package io.trailboss.definition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written, so that definition errors can point at a
 * line and column. {@link #plain()} gives the same value as plain data (maps, lists, scalars).
 */
public sealed interface YamlNode {
    int line();

    int column();

    String path();

    Object plain();

    record Scalar(Object value, String path, int line, int column) implements YamlNode {
        @Override
        public Object plain() {
            return value;
        }
    }

    record Sequence(List<YamlNode> items, String path, int line, int column) implements YamlNode {
        @Override
        public Object plain() {
            List<Object> out = new ArrayList<>(items.size());
            for (YamlNode item : items) out.add(item.plain());
            return out;
        }
    }

    record Mapping(LinkedHashMap<String, YamlNode> entries, Map<String, YamlNode> keys, String path, int line, int column)
            implements YamlNode {
        @Override
        public Object plain() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, v) -> out.put(k, v.plain()));
            return out;
        }

        public YamlNode get(String key) {
            return entries.get(key);
        }

        /** Where the key itself was written (better than its value's place for "unknown key"). */
        public YamlNode keyNode(String key) {
            return keys.get(key);
        }
    }
}
