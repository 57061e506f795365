package io.trailboss.ui;

import java.util.List;

/** A list page's table. */
public record Table(List<String> headers, List<List<Cell>> rows) {}
