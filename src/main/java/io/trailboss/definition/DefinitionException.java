package io.trailboss.definition;

import java.util.List;
import java.util.stream.Collectors;

/** A workflow document that cannot be accepted; every problem names its line and column. */
public final class DefinitionException extends RuntimeException {
    private final List<Problem> problems;

    public DefinitionException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public DefinitionException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One thing wrong with a document: where (1-based line and column, 0 when unknown) and what. */
    public record Problem(int line, int column, String path, String message) {
        @Override
        public String toString() {
            String where = line > 0 ? "line " + line + ", column " + column + ": " : "";
            String at = path == null || path.isEmpty() ? "" : path + ": ";
            return where + at + message;
        }
    }
}
