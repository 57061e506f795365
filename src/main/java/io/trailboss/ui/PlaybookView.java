package io.trailboss.ui;

import java.util.List;

/** A recorded playbook: its summary, labels, plays, tasks, hosts with their stats, files, records, and its results (filtered). */
public record PlaybookView(long id, String name, String path, String status, String controller, String user, String ansibleVersion,
                           String started, String duration, List<String> labels, Table plays, Table tasks, Table hosts, Table files,
                           Table records, ListView results) {}
