package io.trailboss.api;

import io.javalin.security.RouteRole;

/**
 * Who may call a route. Every route is registered with one of these (Javalin route roles), so the
 * access check reads it from the matched endpoint and a route registered without one can be found
 * by a test that walks the router.
 */
public enum Access implements RouteRole {
    /** Anybody: health probes, the login page, webhooks that carry their own token or signature. */
    PUBLIC,
    /** Reads: lists, details, logs, event streams. */
    VIEWER,
    /** Acts on runs and targets: start, steer, answer manual steps, run operations. */
    OPERATOR,
    /** Changes who may do what, tokens, users, server-wide settings. */
    ADMIN,
    /** The agent protocol, with an agent token. */
    AGENT,
    /** Calls a running job makes with its job token. */
    JOB
}
