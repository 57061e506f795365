package io.trailboss.target;

import io.trailboss.model.ParamDecl;
import io.trailboss.model.Profile;
import io.trailboss.model.Target;
import io.trailboss.store.Database;
import io.trailboss.store.ParamStore;
import io.trailboss.store.ProfileStore;
import io.trailboss.store.TargetStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Targets, profiles and param declarations: validation, param resolution and secrets. Every
 * change is one transaction that is fully checked before it writes, so bad input changes nothing.
 *
 * <p>Effective params resolve, first hit wins: the target's own params, its profiles in order,
 * then for each parent up the chain its own params and its profiles, then the {@code global}
 * profile, then the declared default.
 */
public final class Targets {
    /** What the API shows instead of a secret value. */
    public static final String MASK = "********";
    private static final Pattern PARAM = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]{0,254}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,254}");
    private static final int MAX_PARENT_DEPTH = 64;

    private final Database db;
    private final Clock clock;
    private final SecretBox box;
    private final ParamSchemas schemas = new ParamSchemas();
    private final TargetStore targets = new TargetStore();
    private final ProfileStore profiles = new ProfileStore();
    private final ParamStore params = new ParamStore();

    public Targets(Database db, Clock clock, SecretBox box) {
        this.db = db;
        this.clock = clock;
        this.box = box;
    }

    /**
     * The change counter of targets, profiles and param declarations (table {@code target_change}),
     * raised in the transaction of every change made through any server node: readers that keep
     * what they resolved compare it to know their copy is current. Read it before loading, so a
     * value never vouches for data older than the load.
     */
    public long version() {
        return db.jdbi().withHandle(targets::changeVersion);
    }

    private <T> T changing(org.jdbi.v3.core.HandleCallback<T, RuntimeException> change) {
        return db.jdbi().inTransaction(h -> {
            T result = change.withHandle(h);
            targets.changed(h); // last: every change locks its own rows first, then this one
            return result;
        });
    }

    private void changingVoid(org.jdbi.v3.core.HandleConsumer<RuntimeException> change) {
        db.jdbi().useTransaction(h -> {
            change.useHandle(h);
            targets.changed(h);
        });
    }

    // ---------------------------------------------------------------- targets

    public Target create(TargetSpec spec) {
        checkKind(spec.kind());
        checkName("target", "name", spec.name());
        Map<String, String> labels = checkLabels(spec.labels() == null ? Map.of() : spec.labels());
        List<String> profileNames = spec.profiles() == null ? List.of() : spec.profiles();
        String stage = checkStage(spec.stage());
        return changing(h -> {
            if (targets.byName(h, spec.name()).isPresent()) throw TargetException.conflict("name", "a target named '" + spec.name() + "' already exists");
            checkProfiles(h, profileNames);
            String id = UUID.randomUUID().toString();
            String parentId = spec.parent() == null ? null : parentFor(h, id, spec.parent());
            Map<String, Object> stored = applyParams(h, "params", new LinkedHashMap<>(), spec.params() == null ? Map.of() : spec.params());
            long now = clock.millis();
            Target t = new Target(id, spec.kind(), spec.name(), parentId, labels, stored, List.copyOf(profileNames), stage, now, now);
            targets.insert(h, t);
            return targets.byId(h, id).orElseThrow();
        });
    }

    public Target update(String idOrName, TargetPatch patch) {
        if (patch.kind() != null) checkKind(patch.kind());
        if (patch.name() != null) checkName("target", "name", patch.name());
        Map<String, String> labels = patch.labels() == null ? null : checkLabels(patch.labels());
        String stage = patch.stage() == null ? null : checkStage(patch.stage().orElse(null));
        return changing(h -> {
            Target current = lockTarget(h, idOrName);
            String name = current.name();
            if (patch.name() != null && !patch.name().equals(current.name())) {
                if (targets.byName(h, patch.name()).isPresent()) throw TargetException.conflict("name", "a target named '" + patch.name() + "' already exists");
                name = patch.name();
            }
            List<String> profileNames = current.profiles();
            if (patch.profiles() != null) {
                checkProfiles(h, patch.profiles());
                profileNames = List.copyOf(patch.profiles());
            }
            String parentId = current.parentId();
            if (patch.parent() != null) parentId = patch.parent().isEmpty() ? null : parentFor(h, current.id(), patch.parent().get());
            Map<String, Object> stored = patch.params() == null ? current.params()
                    : applyParams(h, "params", new LinkedHashMap<>(current.params()), patch.params());
            Target t = new Target(current.id(), patch.kind() == null ? current.kind() : patch.kind(), name, parentId,
                    labels == null ? current.labels() : labels, stored, profileNames,
                    patch.stage() == null ? current.stage() : stage, current.createdAt(), clock.millis());
            targets.update(h, t);
            return targets.byId(h, t.id()).orElseThrow();
        });
    }

    /** Sets (non-null values) and removes (null values) params on a target. */
    public Target setParams(String idOrName, Map<String, Object> changes) {
        return update(idOrName, TargetPatch.params(changes));
    }

    public Optional<Target> find(String idOrName) {
        return db.jdbi().withHandle(h -> targets.byIdOrName(h, idOrName));
    }

    public Target get(String idOrName) {
        return find(idOrName).orElseThrow(() -> TargetException.notFound("target '" + idOrName + "' does not exist"));
    }

    /** Filter by kind, labels (all must match) and parent (a name or id); {@code scope}: only targets a scoped reader sees (null: all). */
    public record Query(String kind, Map<String, String> labels, String parent, io.trailboss.store.TargetScope scope) {
        public Query(String kind, Map<String, String> labels, String parent) {
            this(kind, labels, parent, null);
        }
    }

    /** The most labels one selector may name: each is a condition of the query that finds its targets. */
    public static final int MAX_SELECTOR_LABELS = 32;

    /** Refuses a label selector that names more labels than a query may test. */
    public static void checkSelector(Map<String, String> labels, String field) {
        if (labels.size() > MAX_SELECTOR_LABELS) {
            throw TargetException.invalid(field, "a label selector names at most " + MAX_SELECTOR_LABELS + " labels, not " + labels.size());
        }
    }

    public List<Target> list(Query q, int limit, int offset) {
        return db.jdbi().withHandle(h -> targets.list(h, filter(h, q), limit, offset));
    }

    public long count(Query q) {
        return db.jdbi().withHandle(h -> targets.count(h, filter(h, q)));
    }

    private TargetStore.Filter filter(Handle h, Query q) {
        String parentId = null;
        if (q.parent() != null) {
            parentId = targets.byIdOrName(h, q.parent()).map(Target::id)
                    .orElseThrow(() -> TargetException.invalid("parent", "parent '" + q.parent() + "' does not exist"));
        }
        Map<String, String> labels = q.labels() == null ? Map.of() : q.labels();
        checkSelector(labels, "label");
        return new TargetStore.Filter(q.kind(), labels, parentId, q.scope());
    }

    /**
     * One level of the target tree: the children of {@code parent} (null: targets without a parent), with their child
     * counts. With a {@code scope} (a reader with scoped grants: null for all), only what it sees, its tops at the root.
     */
    public List<TargetStore.Node> level(String parent, io.trailboss.store.TargetScope scope, int limit, int offset) {
        return db.jdbi().withHandle(h -> targets.level(h, parent == null ? null : parentId(h, parent), scope, limit, offset));
    }

    public long countLevel(String parent, io.trailboss.store.TargetScope scope) {
        return db.jdbi().withHandle(h -> targets.countLevel(h, parent == null ? null : parentId(h, parent), scope));
    }

    /** Targets whose name contains {@code text}, case-insensitive; with a {@code scope}, only those it holds. */
    public List<TargetStore.Node> search(String text, io.trailboss.store.TargetScope scope, int limit, int offset) {
        return db.jdbi().withHandle(h -> targets.search(h, text, scope, limit, offset));
    }

    public long countSearch(String text, io.trailboss.store.TargetScope scope) {
        return db.jdbi().withHandle(h -> targets.countSearch(h, text, scope));
    }

    private String parentId(Handle h, String parent) {
        return targets.byIdOrName(h, parent).map(Target::id).orElseThrow(() -> TargetException.notFound("target '" + parent + "' does not exist"));
    }

    public void delete(String idOrName) {
        changingVoid(h -> {
            Target t = lockTarget(h, idOrName);
            long children = targets.children(h, t.id());
            if (children > 0) throw TargetException.conflict(null, "target '" + t.name() + "' is the parent of " + children + " target(s); delete or move them first");
            targets.delete(h, t.id());
        });
    }

    /** The name of a target's parent, or null. */
    public String parentName(Target t) {
        if (t.parentId() == null) return null;
        return db.jdbi().withHandle(h -> targets.byId(h, t.parentId()).map(Target::name).orElse(null));
    }

    private Target lockTarget(Handle h, String idOrName) {
        Target t = targets.byIdOrName(h, idOrName).orElseThrow(() -> TargetException.notFound("target '" + idOrName + "' does not exist"));
        return targets.lock(h, t.id()).orElseThrow(() -> TargetException.notFound("target '" + idOrName + "' does not exist"));
    }

    /** The id of the parent named {@code parent}, refusing unknown parents and cycles (rows on the chain are locked). */
    private String parentFor(Handle h, String childId, String parent) {
        Target p = targets.byIdOrName(h, parent).orElseThrow(() -> TargetException.invalid("parent", "parent '" + parent + "' does not exist"));
        Set<String> seen = new HashSet<>();
        String cursor = p.id();
        int depth = 0;
        while (cursor != null) {
            if (cursor.equals(childId)) {
                throw TargetException.invalid("parent", "parent '" + parent + "' would make a cycle: it is the target itself or one of its descendants");
            }
            if (!seen.add(cursor) || ++depth > MAX_PARENT_DEPTH) {
                throw TargetException.invalid("parent", "the parent chain above '" + parent + "' is longer than " + MAX_PARENT_DEPTH + " or loops");
            }
            cursor = targets.lock(h, cursor).map(Target::parentId).orElse(null);
        }
        return p.id();
    }

    // ---------------------------------------------------------------- profiles

    public Profile createProfile(String name, String description, Map<String, Object> values) {
        checkName("profile", "name", name);
        checkDescription(description);
        return changing(h -> {
            if (profiles.byName(h, name).isPresent()) throw TargetException.conflict("name", "a profile named '" + name + "' already exists");
            Map<String, Object> stored = applyParams(h, "params", new LinkedHashMap<>(), values == null ? Map.of() : values);
            long now = clock.millis();
            Profile p = new Profile(name, description, stored, now, now);
            profiles.insert(h, p);
            return p;
        });
    }

    /** Changes a profile: a non-null description replaces it; params are merged (a null value removes one). */
    public Profile updateProfile(String name, String description, Map<String, Object> changes) {
        checkDescription(description);
        return changing(h -> {
            Profile current = profiles.lock(h, name).orElseThrow(() -> TargetException.notFound("profile '" + name + "' does not exist"));
            Map<String, Object> stored = changes == null ? current.params() : applyParams(h, "params", new LinkedHashMap<>(current.params()), changes);
            Profile p = new Profile(name, description == null ? current.description() : description, stored, current.createdAt(), clock.millis());
            profiles.update(h, p);
            return p;
        });
    }

    public Profile profile(String name) {
        return db.jdbi().withHandle(h -> profiles.byName(h, name)).orElseThrow(() -> TargetException.notFound("profile '" + name + "' does not exist"));
    }

    public List<Profile> profiles(int limit, int offset) {
        return db.jdbi().withHandle(h -> profiles.list(h, limit, offset));
    }

    public long countProfiles() {
        return db.jdbi().withHandle(profiles::count);
    }

    public void deleteProfile(String name) {
        if (Profile.GLOBAL.equals(name)) throw TargetException.conflict(null, "the global profile cannot be deleted (empty its params instead)");
        changingVoid(h -> {
            profiles.lock(h, name).orElseThrow(() -> TargetException.notFound("profile '" + name + "' does not exist"));
            List<String> users = targets.usingProfile(h, name);
            if (!users.isEmpty()) throw TargetException.conflict(null, "profile '" + name + "' is used by target(s) " + String.join(", ", users));
            profiles.delete(h, name);
        });
    }

    private void checkProfiles(Handle h, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String p : names) {
            if (p == null) throw TargetException.invalid("profiles", "a profile name cannot be null");
            if (Profile.GLOBAL.equals(p)) throw TargetException.invalid("profiles", "the global profile always applies last; do not list it");
            if (!seen.add(p)) throw TargetException.invalid("profiles", "profile '" + p + "' is listed twice");
            if (profiles.byName(h, p).isEmpty()) throw TargetException.invalid("profiles", "profile '" + p + "' does not exist");
        }
    }

    // ---------------------------------------------------------------- param declarations

    /** Declares a new param. */
    public ParamDecl declare(String name, Object schema, boolean hasDefault, Object defaultValue, boolean secret, String description) {
        checkParamName("name", name);
        checkDescription(description);
        return changing(h -> {
            if (params.byName(h, name).isPresent()) throw TargetException.conflict("name", "param '" + name + "' is already declared");
            long now = clock.millis();
            ParamDecl d = prepare(h, name, schema, hasDefault, defaultValue, secret, description, now, now);
            params.insert(h, d);
            return d;
        });
    }

    /** Replaces a declaration (or creates it): existing values must fit the new schema and are re-sealed or opened to match {@code secret}. */
    public ParamDecl redeclare(String name, Object schema, boolean hasDefault, Object defaultValue, boolean secret, String description) {
        checkParamName("name", name);
        checkDescription(description);
        return changing(h -> {
            Optional<ParamDecl> current = params.lock(h, name);
            long now = clock.millis();
            ParamDecl d = prepare(h, name, schema, hasDefault, defaultValue, secret, description, current.map(ParamDecl::createdAt).orElse(now), now);
            if (current.isPresent()) params.update(h, d);
            else params.insert(h, d);
            return d;
        });
    }

    public ParamDecl param(String name) {
        return db.jdbi().withHandle(h -> params.byName(h, name)).orElseThrow(() -> TargetException.notFound("param '" + name + "' is not declared"));
    }

    public List<ParamDecl> params(int limit, int offset) {
        return db.jdbi().withHandle(h -> params.list(h, limit, offset));
    }

    public long countParams() {
        return db.jdbi().withHandle(params::count);
    }

    /** Removes a declaration; values set on targets and profiles stay (secret ones stay sealed). */
    public void undeclare(String name) {
        changingVoid(h -> {
            params.lock(h, name).orElseThrow(() -> TargetException.notFound("param '" + name + "' is not declared"));
            params.delete(h, name);
        });
    }

    /**
     * Checks a declaration and every value already set for the param against it, re-seals or opens
     * those values to match the secret flag, and returns the declaration in stored form.
     */
    private ParamDecl prepare(Handle h, String name, Object schema, boolean hasDefault, Object defaultValue, boolean secret,
                              String description, long createdAt, long now) {
        if (schema != null) {
            List<String> problems = schemas.checkSchema(schema);
            if (!problems.isEmpty()) throw TargetException.invalid("schema", "the schema of param '" + name + "' is not a valid JSON schema: " + String.join("; ", problems));
        }
        if (hasDefault) {
            if (SecretBox.isSealed(defaultValue)) throw TargetException.invalid("default", "a value cannot be an object with the single key '" + SecretBox.MARKER + "'");
            List<String> problems = schemas.validate(schema, defaultValue);
            if (!problems.isEmpty()) throw TargetException.invalid("default", "the default of param '" + name + "' does not fit its schema: " + String.join("; ", problems));
        }
        for (Target t : targets.all(h)) {
            Map<String, Object> next = reconcile(name, schema, secret, t.params(), "target '" + t.name() + "'");
            if (next != null) {
                targets.lock(h, t.id());
                targets.update(h, new Target(t.id(), t.kind(), t.name(), t.parentId(), t.labels(), next, t.profiles(), t.stage(), t.createdAt(), now));
            }
        }
        for (Profile p : profiles.all(h)) {
            Map<String, Object> next = reconcile(name, schema, secret, p.params(), "profile '" + p.name() + "'");
            if (next != null) profiles.update(h, new Profile(p.name(), p.description(), next, p.createdAt(), now));
        }
        Object storedDefault = hasDefault && secret ? box.seal(name, defaultValue) : defaultValue;
        return new ParamDecl(name, schema, hasDefault, storedDefault, secret, description, createdAt, now);
    }

    /** The params map with {@code name} re-sealed or opened, or null if nothing changes; refuses a value that fails {@code schema}. */
    private Map<String, Object> reconcile(String name, Object schema, boolean secret, Map<String, Object> stored, String where) {
        if (!stored.containsKey(name)) return null;
        Object value = stored.get(name);
        boolean sealed = SecretBox.isSealed(value);
        Object plain = sealed ? box.open(name, value) : value;
        List<String> problems = schemas.validate(schema, plain);
        if (!problems.isEmpty()) {
            throw TargetException.invalid("schema", "the value of param '" + name + "' on " + where + " does not fit the new schema: " + String.join("; ", problems));
        }
        if (sealed == secret) return null;
        Map<String, Object> next = new LinkedHashMap<>(stored);
        next.put(name, secret ? box.seal(name, plain) : plain);
        return next;
    }

    /** Applies plain-value changes (null removes) to a stored params map: names and schemas checked, secrets sealed. */
    private Map<String, Object> applyParams(Handle h, String field, Map<String, Object> stored, Map<String, Object> changes) {
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            String name = e.getKey();
            checkParamName(field + "." + name, name);
            Object value = e.getValue();
            if (value == null) {
                stored.remove(name);
                continue;
            }
            if (SecretBox.isSealed(value)) {
                throw TargetException.invalid(field + "." + name, "a value cannot be an object with the single key '" + SecretBox.MARKER + "'");
            }
            Optional<ParamDecl> decl = params.lock(h, name);
            if (decl.isPresent()) {
                List<String> problems = schemas.validate(decl.get().schema(), value);
                if (!problems.isEmpty()) {
                    throw TargetException.invalid(field + "." + name, "param '" + name + "' does not fit its schema: " + String.join("; ", problems));
                }
            }
            stored.put(name, decl.isPresent() && decl.get().secret() ? box.seal(name, value) : value);
        }
        return stored;
    }

    // ---------------------------------------------------------------- resolution

    /** Effective params of a target with their sources, in stored form (secrets sealed). */
    public Map<String, EffectiveParam> effective(String idOrName) {
        return db.jdbi().withHandle(h -> resolve(h, targets.byIdOrName(h, idOrName)
                .orElseThrow(() -> TargetException.notFound("target '" + idOrName + "' does not exist"))));
    }

    /**
     * Effective params of a target as plain values, secrets decrypted: for the jobs that run
     * against it. Never hand these to an API response or a log.
     */
    public Map<String, Object> plainParams(String idOrName) {
        Map<String, Object> out = new LinkedHashMap<>();
        effective(idOrName).forEach((k, v) -> out.put(k, SecretBox.isSealed(v.value()) ? box.open(k, v.value()) : v.value()));
        return out;
    }

    private Map<String, EffectiveParam> resolve(Handle h, Target target) {
        Map<String, ParamDecl> decls = new LinkedHashMap<>();
        for (ParamDecl d : params.all(h)) decls.put(d.name(), d);
        Map<String, EffectiveParam> out = new LinkedHashMap<>();
        layer(out, decls, target.params(), "target:" + target.name());
        profileLayers(h, out, decls, target.profiles());
        Set<String> seen = new LinkedHashSet<>(List.of(target.id()));
        String parentId = target.parentId();
        while (parentId != null && seen.add(parentId) && seen.size() <= MAX_PARENT_DEPTH + 1) {
            Optional<Target> parent = targets.byId(h, parentId);
            if (parent.isEmpty()) break;
            layer(out, decls, parent.get().params(), "parent:" + parent.get().name());
            profileLayers(h, out, decls, parent.get().profiles());
            parentId = parent.get().parentId();
        }
        profiles.byName(h, Profile.GLOBAL).ifPresent(g -> layer(out, decls, g.params(), "profile:" + Profile.GLOBAL));
        for (ParamDecl d : decls.values()) {
            if (d.hasDefault() && !out.containsKey(d.name())) out.put(d.name(), new EffectiveParam(d.defaultValue(), "default", d.secret()));
        }
        return out;
    }

    private void profileLayers(Handle h, Map<String, EffectiveParam> out, Map<String, ParamDecl> decls, List<String> names) {
        for (String name : names) {
            if (Profile.GLOBAL.equals(name)) continue;
            profiles.byName(h, name).ifPresent(p -> layer(out, decls, p.params(), "profile:" + p.name()));
        }
    }

    private static void layer(Map<String, EffectiveParam> out, Map<String, ParamDecl> decls, Map<String, Object> values, String source) {
        values.forEach((k, v) -> {
            if (!out.containsKey(k)) out.put(k, new EffectiveParam(v, source, isSecret(decls.get(k), v)));
        });
    }

    private static boolean isSecret(ParamDecl decl, Object storedValue) {
        return SecretBox.isSealed(storedValue) || (decl != null && decl.secret());
    }

    // ---------------------------------------------------------------- masking

    /** A stored params map as the API shows it: every secret value replaced by {@link #MASK}. */
    public Map<String, Object> masked(Map<String, Object> stored) {
        Set<String> secret = secretNames();
        Map<String, Object> out = new LinkedHashMap<>();
        stored.forEach((k, v) -> out.put(k, SecretBox.isSealed(v) || secret.contains(k) ? MASK : v));
        return out;
    }

    private Set<String> secretNames() {
        Set<String> names = new HashSet<>();
        db.jdbi().useHandle(h -> params.all(h).stream().filter(ParamDecl::secret).forEach(d -> names.add(d.name())));
        return names;
    }

    // ---------------------------------------------------------------- checks

    private static void checkKind(String kind) {
        if (kind == null) throw TargetException.invalid("kind", "field 'kind' is required (machine, platform, site, server or any word)");
        String problem = io.trailboss.model.Names.kindProblem(kind);
        if (problem != null) throw TargetException.invalid("kind", problem);
    }

    private static void checkName(String what, String field, String name) {
        if (name == null) throw TargetException.invalid(field, "field '" + field + "' is required");
        if (!io.trailboss.model.Names.valid(name)) throw TargetException.invalid(field, io.trailboss.model.Names.problem(what, name));
    }

    private static void checkDescription(String description) {
        String problem = io.trailboss.model.Names.descriptionProblem(description);
        if (problem != null) throw TargetException.invalid("description", problem);
    }

    private static void checkParamName(String field, String name) {
        if (name == null || !PARAM.matcher(name).matches()) {
            throw TargetException.invalid(field, "param name '" + name + "' must start with a letter or '_' and hold only letters, digits, '_', '.', '/' or '-' (at most 255)");
        }
    }

    private static Map<String, String> checkLabels(Map<String, String> labels) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!LABEL.matcher(e.getKey()).matches()) {
                throw TargetException.invalid("labels." + e.getKey(), "label name '" + e.getKey() + "' must start with a letter or digit and hold only letters, digits, '_', '.', '/' or '-'");
            }
            if (e.getValue() == null || e.getValue().length() > 1000) throw TargetException.invalid("labels." + e.getKey(), "a label value is a string of at most 1000 characters");
        }
        return Map.copyOf(labels);
    }

    private static String checkStage(String stage) {
        if (stage != null && !io.trailboss.model.Names.valid(stage)) throw TargetException.invalid("stage", io.trailboss.model.Names.problem("stage", stage));
        return stage;
    }
}
