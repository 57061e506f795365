package io.trailboss.ui;

import gg.jte.html.escape.Escape;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.sse.SseClient;
import io.trailboss.api.Access;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.Event;
import io.trailboss.engine.EventHub;
import io.trailboss.model.Job;
import io.trailboss.store.JobLogStore;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The event streams live pages listen to (htmx's SSE extension). An execution page hears {@code state}
 * when a task, the execution or a control changed (the page then fetches its state fragment again),
 * {@code inbox} when a manual step or prompt came or went, and {@code end}. Changes are coalesced for
 * {@link #COALESCE_MS} so that a burst of task changes costs one redraw. A job's log stream sends the
 * stored chunks after the one the page showed, then live chunks, as escaped HTML, then {@code end}.
 */
final class LiveStreams {
    static final long COALESCE_MS = 150;
    private static final long KEEP_ALIVE_MS = 15_000;

    private final Trailboss tb;

    LiveStreams(Trailboss tb) {
        this.tb = tb;
    }

    void register(RoutesConfig r) {
        r.sse("/ui/executions/{id}/live", this::execution, Access.VIEWER);
        r.sse("/ui/jobs/{id}/log/live", this::log, Access.VIEWER);
    }

    private void execution(SseClient client) {
        String id = client.ctx().pathParam("id");
        EventHub.Subscription sub = tb.engine().events().subscribe(id);
        client.keepAlive();
        client.onClose(sub::close);
        Thread.startVirtualThread(() -> {
            try {
                var ex = tb.queries().execution(id);
                if (ex.isEmpty() || ex.get().state().isFinal()) {
                    // the page may have been drawn before the end: one last redraw, then stop
                    client.sendEvent("state", "changed");
                    client.sendEvent("end", "over");
                    return;
                }
                // whatever happened between drawing the page and subscribing
                client.sendEvent("state", "changed");
                long idle = 0;
                while (!client.terminated() && !sub.overflowed()) {
                    Event first = sub.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        idle += 1000;
                        if (idle >= KEEP_ALIVE_MS) {
                            client.sendComment("keep-alive");
                            idle = 0;
                        }
                        continue;
                    }
                    idle = 0;
                    Thread.sleep(COALESCE_MS); // coalesce a burst of changes into one redraw
                    List<Event> burst = new java.util.ArrayList<>(sub.drain());
                    burst.addFirst(first);
                    boolean state = false;
                    boolean inbox = false;
                    boolean end = false;
                    for (Event e : burst) {
                        if (e.kind() == Event.Kind.INBOX) inbox = true;
                        else state = true;
                        if (e.kind() == Event.Kind.TASK) inbox = true; // a manual step's task changed: its form may have gone
                        end |= e.endsExecution();
                    }
                    if (state) client.sendEvent("state", "changed");
                    if (inbox) client.sendEvent("inbox", "changed");
                    if (end) {
                        client.sendEvent("end", "over");
                        return;
                    }
                }
                if (sub.overflowed()) client.sendEvent("state", "changed"); // fell behind: redraw from the database
            } catch (InterruptedException | RuntimeException gone) {
                // the page went away
            } finally {
                sub.close();
                try {
                    client.close();
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
        });
    }

    private void log(SseClient client) {
        String id = client.ctx().pathParam("id");
        int after = Ui.intParam(client.ctx(), "after", -1, -1, Integer.MAX_VALUE);
        LinkedBlockingQueue<Object> live = new LinkedBlockingQueue<>();
        Object endMark = new Object();
        Runnable unsubscribe = tb.engine().jobLogs().hub().followJob(id, (job, chunk) -> live.add(chunk == null ? endMark : chunk));
        client.keepAlive();
        client.onClose(unsubscribe);
        Thread.startVirtualThread(() -> {
            try {
                Job job = tb.queries().job(id).orElse(null);
                int sent = after;
                if (job != null) {
                    for (JobLogStore.Chunk c : tb.engine().jobLogs().read(id, after + 1)) {
                        if (c.seq() <= sent) continue;
                        client.sendEvent("log", html(c.text()), id + ":" + c.seq());
                        sent = c.seq();
                    }
                }
                if (job == null || job.state().isFinal()) {
                    client.sendEvent("end", "over");
                    return;
                }
                while (!client.terminated()) {
                    Object next = live.poll(15, TimeUnit.SECONDS);
                    if (next == endMark) break;
                    if (next == null) {
                        // a job that ended between reading it and following it tells nobody: look
                        if (tb.queries().job(id).map(j -> j.state().isFinal()).orElse(true)) break;
                        client.sendComment("keep-alive");
                        continue;
                    }
                    JobLogStore.Chunk c = (JobLogStore.Chunk) next;
                    if (c.seq() <= sent) continue;
                    client.sendEvent("log", html(c.text()), id + ":" + c.seq());
                    sent = c.seq();
                }
                client.sendEvent("end", "over");
            } catch (InterruptedException | RuntimeException gone) {
                // the page went away
            } finally {
                unsubscribe.run();
                try {
                    client.close();
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
        });
    }

    /**
     * Log text as HTML for appending inside a {@code <pre>}: escaped, with newlines as character references so
     * that the event's data stays one line (an SSE data line cannot hold a bare newline).
     */
    static String html(String text) {
        StringOutput out = new StringOutput();
        Escape.htmlContent(text, out);
        return out.toString().replace("\r", "").replace("\n", "&#10;");
    }
}
