package io.trailboss.ui;

import java.util.List;

/** A list page: heading, filters (a plain GET form), the table and its pager; {@code timing} the server time of its queries. */
public record ListView(Chrome chrome, String heading, String intro, String action, List<FilterField> filters, Table table, Pager pager,
                       String empty) {}
