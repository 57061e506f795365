package io.trailboss.ui;

/** A job's log as far as it is stored; {@code lastSeq} lets the live stream send only what follows. */
public record LogView(String jobId, String task, String state, String text, int lastSeq, boolean over) {}
