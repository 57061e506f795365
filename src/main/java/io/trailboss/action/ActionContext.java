package io.trailboss.action;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * What an action knows about the job it runs as, where its log goes, where text sent to the job
 * (its standard input) arrives, and how its runner asks it to stop.
 */
public record ActionContext(String jobId, String executionId, String taskName, String token, Consumer<String> log, BlockingQueue<String> input,
        Interruption interruption) {
    public ActionContext(String jobId, String executionId, String taskName, String token) {
        this(jobId, executionId, taskName, token, text -> { }, new LinkedBlockingQueue<>());
    }

    public ActionContext(String jobId, String executionId, String taskName, String token, Consumer<String> log, BlockingQueue<String> input) {
        this(jobId, executionId, taskName, token, log, input, new Interruption());
    }
}
