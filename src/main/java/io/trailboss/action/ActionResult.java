package io.trailboss.action;

/** What running an action gives: an output, a failure, or "completed later through the API". */
public sealed interface ActionResult {
    record Success(Object output) implements ActionResult {}

    record Failure(String error, Object output) implements ActionResult {}

    /** The action did part of its work and asks to be run again (Digital Rebar's exit code 128). */
    record Incomplete(Object output) implements ActionResult {}

    /** The runner that had the job is gone (its lease expired): the job failed without a result. */
    record Lost(String reason) implements ActionResult {}

    /** The action handed work to another system; the job stays RUNNING until completed by the API. */
    record Async() implements ActionResult {}
}
