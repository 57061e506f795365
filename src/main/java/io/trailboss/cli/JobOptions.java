package io.trailboss.cli;

import io.trailboss.action.JobSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the server's and the agent's {@code shell} and {@code ansible} jobs are started: isolation, user, limits. */
final class JobOptions {
    @Option(names = "--job-isolation", defaultValue = "${env:TRAILBOSS_JOB_ISOLATION:-auto}",
            description = "auto (default: the strongest that works here), bwrap (bubblewrap: own namespaces, only /usr, /etc, a private /tmp and the job's directory), "
                    + "unshare (own PID namespace only) or none (no namespaces, and jobs run as this process's user unless --job-user is given).")
    String isolation;

    @Option(names = "--job-user", defaultValue = "${env:TRAILBOSS_JOB_USER}",
            description = "OS user jobs run as (default: nobody when this process is root, else its own user; only root can switch users).")
    String user;

    @Option(names = "--job-bind", description = "A directory (or file) jobs may read, at the same path (repeatable; bubblewrap only), e.g. playbooks or SSH keys.")
    List<Path> binds = new ArrayList<>();

    @Option(names = "--job-env", description = "NAME (this process's value) or NAME=VALUE: a variable every job gets besides PATH, LANG, LC_*, TZ (repeatable).")
    List<String> environment = new ArrayList<>();

    @Option(names = "--job-cpu", defaultValue = "${env:TRAILBOSS_JOB_CPU:-3600}", description = "CPU seconds each process of a job may use; then SIGXCPU fails it (0: no limit; default: ${DEFAULT-VALUE}).")
    long cpuSeconds;

    @Option(names = "--job-memory", defaultValue = "${env:TRAILBOSS_JOB_MEMORY:-4g}", description = "Memory each process of a job may map for its data (heap, anonymous maps, stacks; RLIMIT_DATA), e.g. 4g (0: no limit; default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--job-processes", defaultValue = "${env:TRAILBOSS_JOB_PROCESSES:-1024}", description = "Processes a job may have at once (0: no limit; default: ${DEFAULT-VALUE}).")
    long processes;

    @Option(names = "--job-file-size", defaultValue = "${env:TRAILBOSS_JOB_FILE_SIZE:-1g}", description = "Largest file a job may write, and the size of its private /tmp (0: no limit; default: ${DEFAULT-VALUE}).")
    String fileSize;

    /**
     * The sandbox these options ask for, checked on this machine (a probe job runs under it), its
     * description and warnings printed; {@code forbidden}: a directory no bind may show (the data directory).
     */
    JobSandbox build(Path workRoot, Path forbidden, java.io.PrintStream banner) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : environment) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            if (name.isBlank()) throw new IllegalArgumentException("--job-env needs NAME or NAME=VALUE, not '" + e + "'");
            String value = eq < 0 ? System.getenv(name) : e.substring(eq + 1);
            if (value == null) throw new IllegalArgumentException("--job-env " + name + ": this process has no variable " + name);
            env.put(name, value);
        }
        if (forbidden != null) {
            Path data = forbidden.toAbsolutePath().normalize();
            for (Path b : binds) {
                Path bind = b.toAbsolutePath().normalize();
                if (data.startsWith(bind) || bind.startsWith(data)) {
                    throw new IllegalArgumentException("--job-bind " + b + " would show jobs the data directory " + data + " (its database and secret key)");
                }
            }
        }
        JobSandbox.Limits limits = new JobSandbox.Limits(cpuSeconds, JobSandbox.parseSize(memory, "--job-memory"), processes,
                JobSandbox.parseSize(fileSize, "--job-file-size"));
        JobSandbox.Setup setup = JobSandbox.configure(new JobSandbox.Request(isolation, user, limits, binds, env, workRoot));
        for (String w : setup.warnings()) {
            System.err.println("WARNING: " + w);
            org.slf4j.LoggerFactory.getLogger(JobOptions.class).warn(w);
        }
        banner.println(setup.sandbox().describe());
        return setup.sandbox();
    }
}
