package io.trailboss.agent;

import java.util.List;

/** How an agent's JVM is started (by {@code bin/trailboss}, the CLI and the benchmark). */
public final class AgentProcess {
    private AgentProcess() {}

    /**
     * The JVM options {@code bin/trailboss} gives an agent. An agent starts processes and relays
     * bytes: C1's code does that as well as C2's, while C2 would spend a third of the agent's CPU
     * compiling through its first ten thousand jobs; the serial collector suits its small heap.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
}
