package io.trailboss.definition;

/** One entry of an on-success, on-error or on-complete clause. */
public sealed interface Transition {
    /** A guard expression (or literal) that must be true for the entry to be taken; null means always. */
    Object guard();

    record GoTo(String task, Object guard, int line, int column) implements Transition {}

    /** An engine command: fail, succeed, pause or noop, with an optional message. */
    record Command(EngineCommand command, String message, Object guard) implements Transition {}

    enum EngineCommand {
        FAIL, SUCCEED, PAUSE, NOOP;

        public static EngineCommand of(String word) {
            return switch (word) {
                case "fail" -> FAIL;
                case "succeed" -> SUCCEED;
                case "pause" -> PAUSE;
                case "noop" -> NOOP;
                default -> null;
            };
        }
    }
}
