package io.trailboss.model;

import java.util.regex.Pattern;

/**
 * The one rule for the names of things created over the API (targets, profiles, workflows, operations, stages,
 * triggers) and for kinds, and the lengths of the columns that hold names and descriptions. A name is safe in a
 * URL path, a shell word and a log line: it starts with a letter or digit (so never '.' or '..') and holds no
 * '/', quote, space or control or direction-changing character.
 */
public final class Names {
    /** The longest name (the columns that hold names are VARCHAR(255)). */
    public static final int MAX_NAME = 255;
    /** The longest kind (target.kind and operation.kind are VARCHAR(64)). */
    public static final int MAX_KIND = 64;
    /** The longest description (the description columns are VARCHAR(4000)). */
    public static final int MAX_DESCRIPTION = 4000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@-]{0," + (MAX_NAME - 1) + "}");
    private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0," + (MAX_KIND - 1) + "}");

    private Names() {}

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Why {@code name} is not a valid name of a {@code what} (target, operation, ...), or null when it is. */
    public static String problem(String what, String name) {
        if (name == null || name.isEmpty()) return "a " + what + " needs a name";
        if (valid(name)) return null;
        return what + " name '" + shown(name) + "' must start with a letter or digit and hold only letters, digits, '_', '.', ':', '@' or '-'"
                + " (at most " + MAX_NAME + ")" + (name.length() > MAX_NAME ? "; it has " + name.length() + " characters" : "");
    }

    public static boolean validKind(String kind) {
        return kind != null && KIND.matcher(kind).matches();
    }

    /** Why {@code kind} is not a valid kind, or null when it is. */
    public static String kindProblem(String kind) {
        if (validKind(kind)) return null;
        return "kind '" + shown(kind) + "' must be a word: a letter, then letters, digits, '_' or '-' (at most " + MAX_KIND + ")"
                + (kind != null && kind.length() > MAX_KIND ? "; it has " + kind.length() + " characters" : "");
    }

    /** Why a description cannot be stored, or null when it can (null and any text up to the limit can). */
    public static String descriptionProblem(String description) {
        if (description == null || description.length() <= MAX_DESCRIPTION) return null;
        return "a description holds at most " + MAX_DESCRIPTION + " characters; this one has " + description.length();
    }

    /** Text that is at most {@code max} characters long, or why not ({@code what}: the field, for the message). */
    public static String lengthProblem(String what, String text, int max) {
        if (text == null || text.length() <= max) return null;
        return what + " holds at most " + max + " characters; this one has " + text.length();
    }

    /**
     * A diagnostic message (never data a person gave) made to fit a column of {@code max} characters: a longer
     * one keeps its start and says that it was cut.
     */
    public static String fitMessage(String message, int max) {
        if (message == null || message.length() <= max) return message;
        String mark = "… (cut at " + max + " characters)";
        return message.substring(0, max - mark.length()) + mark;
    }

    /** A name as a message may quote it: shortened, so that a megabyte of name is not echoed back. */
    public static String shown(String s) {
        if (s == null) return "null";
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
