package io.trailboss.action;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Actions by name: the standard ones and any a later component registers (shell, ansible, ...). */
public final class ActionRegistry {
    private final Map<String, Action> actions = new ConcurrentHashMap<>();

    public static ActionRegistry standard() {
        ActionRegistry registry = new ActionRegistry();
        StandardActions.all().forEach(registry::register);
        return registry;
    }

    public void register(Action action) {
        actions.put(action.name(), action);
    }

    public Optional<Action> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    public Collection<Action> all() {
        return actions.values();
    }
}
