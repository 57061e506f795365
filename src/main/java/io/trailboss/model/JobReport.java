package io.trailboss.model;

/**
 * A runner's report of how a job ended, as kept with the job ({@code job.agent_outcome}) until the
 * engine applies it: agents' and local runners' alike, and LOST ones the server declares. Stored
 * first, it survives the death of the node that was to apply it.
 *
 * @param state what became of the job
 * @param by the runner that reported it ({@code agent:NAME}, {@code node:ID}) or {@code server}
 * @param output the action's output (null: none)
 * @param error why it failed or was lost (null: none)
 * @param at when it was reported (epoch milliseconds; null: not known)
 */
public record JobReport(Outcome state, String by, Object output, String error, Long at) {

    /** How a job ended, as a runner reports it. ASYNC: the job waits for an external completion. */
    public enum Outcome {
        SUCCEEDED, FAILED, INCOMPLETE, LOST, ASYNC;

        /** The outcome a stored name stands for; anything unknown counts as lost. */
        public static Outcome named(Object name) {
            for (Outcome o : values()) if (o.name().equals(String.valueOf(name))) return o;
            return LOST;
        }
    }

    public static JobReport lost(String by, String reason, long at) {
        return new JobReport(Outcome.LOST, by, null, reason, at);
    }

    /** Whether another report says the same: the same outcome from the same runner. */
    public boolean repeats(String runner, Outcome outcome) {
        return runner.equals(by) && outcome == state;
    }
}
