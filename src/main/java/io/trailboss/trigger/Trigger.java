package io.trailboss.trigger;

import java.util.Map;

/**
 * What starts a workflow or an operation by itself: a CRON schedule (in a time zone) or an inbound
 * WEBHOOK (a token or an HMAC-SHA256 signature). {@code overlap} says what a firing does while the
 * trigger's previous run is still open: SKIP, QUEUE or ALLOW. {@code secret} is the webhook's secret,
 * sealed at rest. {@code input} may use {@code body} (a webhook's JSON body) in templates.
 */
public record Trigger(String name, Kind kind, String cron, String timeZone, Overlap overlap, String workflow, String operation, String target,
                      Map<String, Object> input, Auth auth, Object secret, boolean paused, Long nextFireAt, long createdAt, long updatedAt) {
    public enum Kind { CRON, WEBHOOK }

    public enum Overlap { SKIP, QUEUE, ALLOW }

    public enum Auth { TOKEN, HMAC }
}
