package io.trailboss.app;

import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.TargetDirectory;
import io.trailboss.target.EffectiveParam;
import io.trailboss.target.Target;
import io.trailboss.target.TargetException;
import io.trailboss.target.Targets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The engine's view of the target store: selection by name, list or labels, with opened params. */
final class TargetsDirectory implements TargetDirectory {
    private static final int MAX_SELECTED = 10_000;
    private final Targets targets;

    TargetsDirectory(Targets targets) {
        this.targets = targets;
    }

    @Override
    public List<TargetView> select(Object selector) {
        List<Target> found = new ArrayList<>();
        switch (selector) {
            case String name -> found.add(named(name));
            case List<?> names -> names.forEach(n -> found.add(named(String.valueOf(n))));
            case Map<?, ?> m -> {
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.get("labels") instanceof Map<?, ?> l) l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
                String kind = m.get("kind") == null ? null : String.valueOf(m.get("kind"));
                found.addAll(targets.list(new Targets.Query(kind, labels, null), MAX_SELECTED, 0));
            }
            case null, default -> throw new InvalidInputException("targets", "targets must be a name, a list of names or {labels, kind}");
        }
        List<TargetView> out = new ArrayList<>();
        for (Target t : found) {
            Map<String, EffectiveParam> effective = targets.effective(t.name());
            Map<String, Object> plain = targets.plainParams(t.name());
            List<String> secrets = new ArrayList<>();
            effective.forEach((k, v) -> {
                if (v.secret() && plain.get(k) != null) secrets.add(String.valueOf(plain.get(k)));
            });
            out.add(new TargetView(t.name(), t.kind(), t.parentId() == null ? null : targets.parentName(t), t.labels(), plain, secrets));
        }
        return out;
    }

    private Target named(String name) {
        try {
            return targets.get(name);
        } catch (TargetException e) {
            throw new InvalidInputException("targets", "unknown target '" + name + "'");
        }
    }
}
