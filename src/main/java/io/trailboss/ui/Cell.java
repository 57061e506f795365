package io.trailboss.ui;

/** One table cell: text, an optional link and an optional CSS class (state colours). */
public record Cell(String text, String href, String css) {
    public static Cell of(Object text) {
        return new Cell(text == null ? "" : String.valueOf(text), null, null);
    }

    public static Cell link(Object text, String href) {
        return new Cell(text == null ? "" : String.valueOf(text), href, null);
    }

    public static Cell state(String state) {
        return new Cell(state == null ? "" : state, null, Ui.stateClass(state));
    }
}
