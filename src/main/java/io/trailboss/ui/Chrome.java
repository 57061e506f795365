package io.trailboss.ui;

/** What the page frame shows: title, the active section of the navigation, who is signed in, the CSRF token. */
public record Chrome(String title, String section, String user, String csrf) {}
