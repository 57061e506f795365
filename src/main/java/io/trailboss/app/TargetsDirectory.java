package io.trailboss.app;

import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.TargetDirectory;
import io.trailboss.target.EffectiveParam;
import io.trailboss.model.Target;
import io.trailboss.target.TargetException;
import io.trailboss.target.Targets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's view of the target store: selection by name, list or labels, with opened params.
 *
 * <p>Resolved targets and label selections are kept in memory: every job of a target needs its
 * params (templates) and its secrets (masking), and resolving them walks profiles, parents and
 * declarations and decrypts secrets. A copy is used while the database's change counter
 * ({@link Targets#version()}, raised by every change through any server node) is the one read
 * before it was made.
 */
final class TargetsDirectory implements TargetDirectory {
    private static final int MAX_SELECTED = 10_000;
    private static final int MAX_CACHED = 50_000;
    private final Targets targets;
    private final Map<String, Cached<TargetView>> views = new ConcurrentHashMap<>();
    private final Map<String, Cached<List<String>>> selections = new ConcurrentHashMap<>();

    private record Cached<T>(T value, long version) {
        boolean current(long version) {
            return this.version == version;
        }
    }

    TargetsDirectory(Targets targets) {
        this.targets = targets;
    }

    @Override
    public List<TargetView> select(Object selector) {
        long version = targets.version(); // read before loading: see Targets#version
        List<String> names = new ArrayList<>();
        switch (selector) {
            case String name -> names.add(name);
            case List<?> list -> list.forEach(n -> names.add(String.valueOf(n)));
            case Map<?, ?> m -> {
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.get("labels") instanceof Map<?, ?> l) l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
                String kind = m.get("kind") == null ? null : String.valueOf(m.get("kind"));
                String key = kind + "\u0000" + new java.util.TreeMap<>(labels);
                Cached<List<String>> hit = selections.get(key);
                if (hit == null || !hit.current(version)) {
                    List<String> found = targets.list(new Targets.Query(kind, labels, null), MAX_SELECTED, 0).stream().map(Target::name).toList();
                    hit = new Cached<>(found, version);
                    if (selections.size() > MAX_CACHED) selections.clear();
                    selections.put(key, hit);
                }
                names.addAll(hit.value());
            }
            case null, default -> throw new InvalidInputException("targets", "targets must be a name, a list of names or {labels, kind}");
        }
        List<TargetView> out = new ArrayList<>(names.size());
        for (String name : names) out.add(copy(view(name, version)));
        return out;
    }

    private TargetView view(String name, long version) {
        Cached<TargetView> hit = views.get(name);
        if (hit != null && hit.current(version)) return hit.value();
        Target t;
        try {
            t = targets.get(name);
        } catch (TargetException e) {
            throw new InvalidInputException("targets", "unknown target '" + name + "'");
        }
        Map<String, EffectiveParam> effective = targets.effective(t.name());
        Map<String, Object> plain = targets.plainParams(t.name());
        List<String> secrets = new ArrayList<>();
        effective.forEach((k, v) -> {
            if (v.secret() && plain.get(k) != null) secrets.add(String.valueOf(plain.get(k)));
        });
        TargetView view = new TargetView(t.name(), t.kind(), t.parentId() == null ? null : targets.parentName(t), Map.copyOf(t.labels()), plain, List.copyOf(secrets));
        if (views.size() > MAX_CACHED) views.clear();
        views.put(name, new Cached<>(view, version));
        return view;
    }

    /** Each caller gets its own params (templates and expressions may hold on to them). */
    private static TargetView copy(TargetView v) {
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) deepCopy(v.params());
        return new TargetView(v.name(), v.kind(), v.parent(), v.labels(), params, v.secrets());
    }

    private static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(deepCopy(o));
            return out;
        }
        return value;
    }
}
