package io.trailboss.action;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * What an action knows about the job it runs as, where its log goes, and where text sent to the
 * job (its standard input) arrives.
 */
public record ActionContext(String jobId, String executionId, String taskName, String token, Consumer<String> log, BlockingQueue<String> input) {
    public ActionContext(String jobId, String executionId, String taskName, String token) {
        this(jobId, executionId, taskName, token, text -> { }, new LinkedBlockingQueue<>());
    }
}
