package io.trailboss.action;

import java.util.ArrayList;
import java.util.List;

/** How an action that runs a process ({@code shell}, {@code ansible}) lets its runner stop it. */
final class ProcessStop {
    private ProcessStop() {
    }

    /** On the job's interruption: SIGTERM to the process and everything it started, SIGKILL after the grace period. */
    static void onInterrupt(Process process, ActionContext context) {
        context.interruption().onInterrupt(grace -> stop(process, grace, context));
    }

    /**
     * The descendants are taken before the process dies (orphans would keep the output pipe open and
     * outlive the job); whatever still lives after the grace period is killed.
     */
    private static void stop(Process process, long graceMillis, ActionContext context) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        context.log().accept("[trailboss] interrupted: SIGTERM sent, SIGKILL after " + graceMillis / 1000.0 + " s\n");
        all.forEach(ProcessHandle::destroy);
        Thread.startVirtualThread(() -> {
            try {
                Thread.sleep(graceMillis);
            } catch (InterruptedException e) {
                return;
            }
            for (ProcessHandle p : all) {
                if (p.isAlive()) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        });
    }
}
