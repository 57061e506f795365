package io.trailboss.action;

import java.util.ArrayList;
import java.util.List;

/** How an action that runs a process ({@code shell}, {@code ansible}) lets its runner stop it. */
final class ProcessStop {
    private ProcessStop() {
    }

    /**
     * On the job's interruption: SIGTERM to the job's processes, SIGKILL after the grace period.
     * {@code wrapper}: the process is a sandbox's wrapper (bwrap, unshare) that would take the job
     * down at once if it died, so SIGTERM goes to what it started and the wrapper waits for them.
     */
    static void onInterrupt(Process process, ActionContext context, boolean wrapper) {
        context.interruption().onInterrupt(grace -> stop(process, grace, context, wrapper));
    }

    /**
     * The descendants are taken before the process dies (orphans would keep the output pipe open and
     * outlive the job); whatever still lives after the grace period is killed.
     */
    private static void stop(Process process, long graceMillis, ActionContext context, boolean wrapper) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        context.log().accept("[trailboss] interrupted: SIGTERM sent, SIGKILL after " + graceMillis / 1000.0 + " s\n");
        all.stream().skip(wrapper ? 1 : 0).forEach(ProcessHandle::destroy);
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
