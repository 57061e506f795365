package io.trailboss.action;

import java.util.function.LongConsumer;

/**
 * How a runner asks a running action to stop: the action registers what stopping means for it
 * (for a process: SIGTERM, then SIGKILL after the grace period); a request made before the action
 * registered is delivered when it does.
 */
public final class Interruption {
    private LongConsumer handler;
    private Long requestedGrace;

    /** Registers what to do on a request; called at once if one already came. */
    public void onInterrupt(LongConsumer stop) {
        Long grace;
        synchronized (this) {
            handler = stop;
            grace = requestedGrace;
        }
        if (grace != null) stop.accept(grace);
    }

    /** Asks the action to stop, allowing {@code graceMillis} before it is killed. Only the first request counts. */
    public void interrupt(long graceMillis) {
        LongConsumer stop;
        synchronized (this) {
            if (requestedGrace != null) return;
            requestedGrace = graceMillis;
            stop = handler;
        }
        if (stop != null) stop.accept(graceMillis);
    }

    public synchronized boolean requested() {
        return requestedGrace != null;
    }
}
