package io.trailboss.action;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How a job's process is started, so that a script cannot reach what the server holds: its
 * environment (admin token, secret key), its process (/proc/PID/environ), its data directory.
 *
 * <p>Every job gets a clean environment built from an allow-list: the server's {@code PATH},
 * {@code LANG}, {@code LANGUAGE}, {@code LC_*} and {@code TZ}, the variables an admin passed with
 * {@code --job-env}, {@code HOME} set to the job's directory, then what the action gives (the job's
 * own token and ids, the server's URL, the task's {@code env}). Nothing else of the server's.
 *
 * <p>Then, by {@link Isolation}: under bubblewrap the job has its own user, PID, IPC, UTS, mount
 * and cgroup namespaces (the network is shared: jobs call the server back), a fresh /proc, a minimal
 * /dev, a private /tmp, /usr and /etc read-only, its own directory read-write, the admin's
 * read-only binds, and nothing else. With {@code unshare} it has only its own PID namespace and
 * /proc; with none, nothing. In every mode it may run as another OS user (the server must be
 * root to switch) and under resource limits ({@code prlimit}).
 */
public final class JobSandbox {
    /** How much of the machine a job sees. */
    public enum Isolation {
        /** bubblewrap: own namespaces, a file system of /usr, /etc, the job's directory and the admin's binds. */
        BWRAP,
        /** util-linux unshare: own PID namespace and /proc; the whole file system with the job user's rights. */
        UNSHARE,
        /** no namespaces: the job sees what its user may see. */
        NONE;

        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Per-process limits (setrlimit); 0 means not limited. {@code processes} counts a job's processes;
     * {@code memoryBytes} is RLIMIT_DATA, the private writable memory a process maps (heap, anonymous
     * maps, stacks): an address-space limit would also count what a program only reserves, and a JVM
     * reserves more than 4 GiB on a machine of 16 GiB before it runs a line.
     */
    public record Limits(long cpuSeconds, long memoryBytes, long processes, long fileBytes) {
        public static final Limits DEFAULT = new Limits(3600, 4L << 30, 1024, 1L << 30);
        public static final Limits NONE = new Limits(0, 0, 0, 0);

        public Limits {
            if (cpuSeconds < 0 || memoryBytes < 0 || processes < 0 || fileBytes < 0) throw new IllegalArgumentException("a job limit cannot be negative");
        }

        boolean any() {
            return cpuSeconds > 0 || memoryBytes > 0 || processes > 0 || fileBytes > 0;
        }

        public String describe() {
            if (!any()) return "none";
            List<String> parts = new ArrayList<>();
            if (cpuSeconds > 0) parts.add("CPU " + cpuSeconds + " s");
            if (memoryBytes > 0) parts.add("memory " + size(memoryBytes));
            if (processes > 0) parts.add(processes + " processes");
            if (fileBytes > 0) parts.add("files " + size(fileBytes));
            return String.join(", ", parts) + " (per process; processes per job)";
        }
    }

    /** The OS user jobs run as. */
    public record User(String name, int uid, int gid) {}

    /** Seconds of CPU between SIGXCPU (the soft limit: the job learns why) and SIGKILL (the hard one). */
    private static final long CPU_GRACE_SECONDS = 5;
    private static final List<String> ALLOWED = List.of("PATH", "LANG", "LANGUAGE", "TZ");
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    /** bwrap's --die-with-parent ties a job to the thread that started it: that thread must live as long as the process. */
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("job-spawner").unstarted(r));

    private final Isolation isolation;
    private final User user;
    private final Limits limits;
    private final List<Path> binds;
    private final Map<String, String> baseEnvironment;
    private final Tools tools;
    private final List<String> systemMounts;

    /** Where the programs that wrap a job are. */
    record Tools(String bwrap, String unshare, String setpriv, String prlimit) {
        static Tools find() {
            return new Tools(which("bwrap"), which("unshare"), which("setpriv"), which("prlimit"));
        }

        private static String which(String name) {
            for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p.toString();
            }
            return null;
        }
    }

    private JobSandbox(Isolation isolation, User user, Limits limits, List<Path> binds, Map<String, String> baseEnvironment, Tools tools) {
        this.isolation = isolation;
        this.user = user;
        this.limits = limits;
        this.binds = List.copyOf(binds);
        this.baseEnvironment = Map.copyOf(baseEnvironment);
        this.tools = tools;
        this.systemMounts = isolation == Isolation.BWRAP ? systemMounts() : List.of();
    }

    /**
     * Jobs as the calling process's user, without namespaces or limits, in a clean environment: for
     * Trailboss inside another program (tests, {@code trailboss run}); a server or agent configures its own.
     */
    public static JobSandbox none() {
        return new JobSandbox(Isolation.NONE, null, Limits.NONE, List.of(), allowedEnvironment(System.getenv(), Map.of()), Tools.find());
    }

    public Isolation isolation() {
        return isolation;
    }

    /** The user jobs run as, or null: the server's own. */
    public User user() {
        return user;
    }

    public Limits limits() {
        return limits;
    }

    public List<Path> binds() {
        return binds;
    }

    /** One line for the start banner. */
    public String describe() {
        String how = switch (isolation) {
            case BWRAP -> "isolated by bubblewrap (own namespaces; they see /usr, /etc read-only, a private /tmp and their own directory"
                    + (binds.isEmpty() ? "" : ", read-only: " + String.join(", ", binds.stream().map(Path::toString).toList())) + ")";
            case UNSHARE -> "in their own PID namespace (unshare), seeing the whole file system";
            case NONE -> "without namespaces, seeing the whole file system and every process";
        };
        String who = user == null ? "as this process's user (uid " + currentUid() + ")" : "as " + user.name() + " (uid " + user.uid() + ")";
        return "jobs run " + how + ", " + who + ", in a clean environment; limits: " + limits.describe();
    }

    // ---------------------------------------------------------------- one job

    /**
     * Hands a job's directory and what the runner wrote into it to the job's user (the directory
     * was made by the server's user, owner-only).
     */
    public void handOver(Path dir) throws IOException {
        if (user == null) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /**
     * The process to start for {@code command} run in {@code dir}: wrapped as this sandbox says,
     * with the allow-listed environment, {@code HOME} = {@code dir}, and {@code environment} on top.
     */
    public ProcessBuilder processBuilder(List<String> command, Path dir, Map<String, String> environment) {
        List<String> full = new ArrayList<>();
        switch (isolation) {
            case BWRAP -> {
                switchUser(full, false);
                full.add(tools.bwrap());
                full.addAll(List.of("--unshare-all", "--share-net", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                        "--proc", "/proc", "--dev", "/dev"));
                if (limits.fileBytes() > 0) full.addAll(List.of("--size", String.valueOf(Math.max(limits.fileBytes(), 16L << 20))));
                full.addAll(List.of("--perms", "1777", "--tmpfs", "/tmp"));
                full.addAll(systemMounts);
                for (Path b : binds) full.addAll(List.of("--ro-bind", b.toString(), b.toString()));
                String d = dir.toAbsolutePath().toString();
                full.addAll(List.of("--bind", d, d, "--chdir", d, "--"));
                limit(full);
            }
            case UNSHARE -> {
                full.add(tools.unshare());
                // without root, only a user namespace of its own lets it make PID and mount namespaces
                if (currentUid() != 0 && user == null) full.add("--map-current-user");
                full.addAll(List.of("--fork", "--pid", "--mount-proc", "--kill-child", "--"));
                switchUser(full, true);
                limit(full);
            }
            case NONE -> {
                switchUser(full, true);
                limit(full);
            }
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(baseEnvironment);
        env.put("HOME", dir.toAbsolutePath().toString());
        env.putAll(environment);
        if (isolation != Isolation.NONE || user != null) env.putAll(trustFilesIn(dir, environment));
        return pb;
    }

    /** Variables that name the CA files a job's clients trust the server by (over TLS). */
    static final List<String> TRUST_FILES = List.of("TRAILBOSS_CA", "SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE");

    /**
     * The CA files the job is told to trust live with the server (its data directory, the agent's
     * temporary directory), which an isolated job cannot see: it gets copies in its own directory.
     * They hold certificates only, nothing secret.
     */
    private static Map<String, String> trustFilesIn(Path dir, Map<String, String> environment) {
        Map<String, String> copies = new LinkedHashMap<>();
        for (String name : TRUST_FILES) {
            String value = environment.get(name);
            if (value == null || value.isBlank()) continue;
            Path source = Path.of(value);
            if (source.startsWith(dir) || !Files.isRegularFile(source)) continue;
            try {
                Path trust = dir.resolve(".trailboss-ca");
                Files.createDirectories(trust);
                Path copy = trust.resolve(source.getFileName().toString());
                if (!Files.exists(copy)) {
                    Files.copy(source, copy);
                    Files.setPosixFilePermissions(trust, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                    Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                }
                copies.put(name, copy.toAbsolutePath().toString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot give the job the CA file " + source + " to trust the server by", e);
            }
        }
        return copies;
    }

    /** Starts a process made by {@link #processBuilder}. */
    public Process start(ProcessBuilder pb) throws IOException, InterruptedException {
        if (isolation != Isolation.BWRAP) return pb.start();
        Future<Process> started = SPAWNER.submit(pb::start);
        try {
            return started.get();
        } catch (InterruptedException e) {
            // the process may start anyway: it must not outlive the job that no longer waits for it
            try {
                started.get().destroyForcibly();
            } catch (ExecutionException ignored) {
                // it did not start
            }
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    /**
     * True when the started process is a wrapper (bwrap, unshare) whose descendants are the job: a
     * stop sends SIGTERM to those, since a wrapper that dies takes them along at once.
     */
    public boolean wrapsJob() {
        return isolation != Isolation.NONE;
    }

    /** Whether a job sees {@code path} (a playbook or inventory given by path) at the same place. */
    public boolean sees(Path path) {
        if (isolation != Isolation.BWRAP) return true;
        Path p = path.toAbsolutePath().normalize();
        for (String system : List.of("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64")) if (p.startsWith(system)) return true;
        for (Path b : binds) if (p.startsWith(b)) return true;
        return false;
    }

    /**
     * Why a job's process ended with {@code exitCode}, when that was one of its limits: a process
     * killed by SIGXCPU or SIGXFSZ (the shell reports 128 + the signal); or, from the end of its
     * output, a failed fork or allocation that the process or memory limit likely caused. Null otherwise.
     */
    public String limitReached(int exitCode, String outputTail) {
        if (exitCode == 0) return null;
        if (limits.cpuSeconds() > 0 && exitCode == 128 + 24) {
            return "the job's CPU time limit of " + limits.cpuSeconds() + " s was reached (killed by SIGXCPU)";
        }
        if (limits.fileBytes() > 0 && exitCode == 128 + 25) {
            return "the job's file size limit of " + size(limits.fileBytes()) + " was reached (killed by SIGXFSZ)";
        }
        String tail = outputTail == null ? "" : outputTail.substring(Math.max(0, outputTail.length() - 4096));
        if (limits.processes() > 0 && (tail.contains("Cannot fork") || tail.contains("fork: Resource temporarily unavailable")
                || tail.contains("can't fork") || tail.contains("BlockingIOError: [Errno 11]"))) {
            return "the job's limit of " + limits.processes() + " processes was probably reached (a process could not be started)";
        }
        if (limits.memoryBytes() > 0 && (tail.contains("MemoryError") || tail.contains("Cannot allocate memory") || tail.contains("out of memory"))) {
            return "the job's memory limit of " + size(limits.memoryBytes()) + " per process was probably reached (an allocation failed)";
        }
        return null;
    }

    private void switchUser(List<String> full, boolean noNewPrivileges) {
        if (user == null) return;
        full.addAll(List.of(tools.setpriv(), "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups"));
        // bwrap sets no_new_privs itself (and a set-uid bwrap could not start under it)
        if (noNewPrivileges) full.add("--no-new-privs");
        full.add("--");
    }

    private void limit(List<String> full) {
        if (!limits.any()) return;
        full.add(tools.prlimit());
        if (limits.cpuSeconds() > 0) full.add("--cpu=" + limits.cpuSeconds() + ":" + (limits.cpuSeconds() + CPU_GRACE_SECONDS));
        if (limits.memoryBytes() > 0) full.add("--data=" + limits.memoryBytes());
        // under bwrap, set inside the job's own user namespace: counted per job, not per user
        if (limits.processes() > 0) full.add("--nproc=" + limits.processes());
        if (limits.fileBytes() > 0) full.add("--fsize=" + limits.fileBytes());
        full.add("--");
    }

    /** /usr and /etc read-only; /bin, /lib, ... as the links they are on a merged-/usr system, or read-only when directories. */
    private static List<String> systemMounts() {
        List<String> out = new ArrayList<>(List.of("--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"));
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")) {
            Path p = Path.of(top);
            try {
                if (Files.isSymbolicLink(p)) out.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                else if (Files.isDirectory(p)) out.addAll(List.of("--ro-bind", top, top));
            } catch (IOException e) {
                // left out: a job cannot use it
            }
        }
        // a resolver file outside /etc (systemd-resolved keeps it under /run): name lookups need it
        try {
            Path resolv = Path.of("/etc/resolv.conf");
            if (Files.exists(resolv)) {
                Path real = resolv.toRealPath();
                if (!real.startsWith("/etc") && !real.startsWith("/usr")) out.addAll(List.of("--ro-bind", real.toString(), real.toString()));
            }
        } catch (IOException e) {
            // no name service in jobs
        }
        return out;
    }

    static Map<String, String> allowedEnvironment(Map<String, String> server, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : ALLOWED) if (server.containsKey(name)) env.put(name, server.get(name));
        server.forEach((k, v) -> {
            if (k.startsWith("LC_")) env.put(k, v);
        });
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.putAll(extra);
        return env;
    }

    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    static String size(long bytes) {
        if (bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes % (1L << 20) == 0) return (bytes >> 20) + " MiB";
        if (bytes % (1L << 10) == 0) return (bytes >> 10) + " KiB";
        return bytes + " bytes";
    }

    // ---------------------------------------------------------------- configuration

    /** What a server's or agent's options ask for: isolation {@code auto|bwrap|unshare|none}, user null for the default. */
    public record Request(String isolation, String user, Limits limits, List<Path> binds, Map<String, String> environment, Path workRoot) {}

    /** A checked sandbox and what the start must tell the admin (loudly, for anything short of bubblewrap). */
    public record Setup(JobSandbox sandbox, List<String> warnings) {}

    /**
     * Resolves a request on this machine: the user (default {@code nobody} when this process is
     * root and jobs are isolated), then the isolation ({@code auto}: bubblewrap if a probe job runs
     * under it, else unshare, else none), each mode proven by running a probe job as real jobs run,
     * in the system's temporary directory and then under {@code workRoot}. Throws
     * {@link IllegalArgumentException} with the reason when the request cannot be met.
     */
    public static Setup configure(Request request) {
        String asked = request.isolation() == null || request.isolation().isBlank() ? "auto" : request.isolation().trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "bwrap", "unshare", "none").contains(asked)) {
            throw new IllegalArgumentException("--job-isolation must be auto, bwrap, unshare or none, not '" + request.isolation() + "'");
        }
        for (Path b : request.binds()) {
            if (!b.isAbsolute()) throw new IllegalArgumentException("--job-bind needs an absolute path, not '" + b + "'");
            if (!Files.exists(b)) throw new IllegalArgumentException("--job-bind " + b + " does not exist");
        }
        for (String name : request.environment().keySet()) {
            if (name.isBlank() || name.contains("=")) throw new IllegalArgumentException("--job-env needs NAME or NAME=VALUE, not '" + name + "'");
        }
        Tools tools = Tools.find();
        int uid = currentUid();
        boolean root = uid == 0;
        List<String> warnings = new ArrayList<>();
        User user = null;
        if (request.user() != null && !request.user().isBlank()) {
            user = lookUp(request.user().trim());
            if (user.uid() == uid) {
                user = null; // the server's own user: nothing to switch
            } else if (!root) {
                throw new IllegalArgumentException("this process runs as uid " + uid + ", not root: it cannot run jobs as '" + request.user()
                        + "'; leave --job-user out (jobs then run as uid " + uid + ")");
            }
        } else if (root && !asked.equals("none")) {
            user = lookUp("nobody");
        }
        if (user != null && tools.setpriv() == null) throw new IllegalArgumentException("setpriv (util-linux) is needed to run jobs as " + user.name() + " and was not found");
        if (request.limits().any() && tools.prlimit() == null) throw new IllegalArgumentException("prlimit (util-linux) is needed for job limits and was not found; or set every --job-* limit to 0");
        if (root && user == null) warnings.add("jobs run as root: give --job-user an unprivileged user");

        JobSandbox chosen = null;
        List<String> failures = new ArrayList<>();
        for (Isolation candidate : candidates(asked)) {
            String missing = switch (candidate) {
                case BWRAP -> tools.bwrap() == null ? "bwrap is not installed" : null;
                case UNSHARE -> tools.unshare() == null ? "unshare is not installed" : null;
                case NONE -> null;
            };
            JobSandbox s = new JobSandbox(candidate, user, request.limits(), request.binds(), allowedEnvironment(System.getenv(), request.environment()), tools);
            // the choice is made where any user may make a directory; the work root is checked on its own below
            String failed = missing != null ? missing : s.probe(null);
            if (failed == null) {
                chosen = s;
                break;
            }
            failures.add(candidate.option() + ": " + failed);
            if (!asked.equals("auto")) throw new IllegalArgumentException("--job-isolation " + asked + " does not work here: " + failed);
        }
        if (chosen == null) throw new IllegalArgumentException("no job isolation works here: " + String.join("; ", failures));
        if (request.workRoot() != null) {
            String failed = chosen.probe(request.workRoot());
            if (failed != null) {
                throw new IllegalArgumentException("jobs cannot run in " + request.workRoot() + (user == null ? "" : " as " + user.name())
                        + " (" + failed + "): the directory and every directory above it must be reachable by the job user");
            }
        }
        if (chosen.isolation() != Isolation.BWRAP) {
            String why = asked.equals("auto") ? " (" + String.join("; ", failures) + ")" : " (--job-isolation " + asked + ")";
            warnings.add("JOBS ARE NOT ISOLATED" + why + ": a job sees the whole file system with the rights of "
                    + (user == null ? "this process's user (uid " + uid + "), the data directory included" : user.name())
                    + (chosen.isolation() == Isolation.NONE ? " and every process of the machine" : "")
                    + ". Install bubblewrap (Debian: apt-get install bubblewrap) and allow unprivileged user namespaces for real isolation.");
        }
        if (!root && chosen.isolation() != Isolation.NONE) {
            warnings.add("this process is not root: jobs run as its own user (uid " + uid + "), separated from it by namespaces only");
        }
        if (!request.binds().isEmpty() && chosen.isolation() != Isolation.BWRAP) warnings.add("--job-bind has no effect without bubblewrap: jobs see the whole file system");
        return new Setup(chosen, warnings);
    }

    private static List<Isolation> candidates(String asked) {
        return switch (asked) {
            case "bwrap" -> List.of(Isolation.BWRAP);
            case "unshare" -> List.of(Isolation.UNSHARE);
            case "none" -> List.of(Isolation.NONE);
            default -> List.of(Isolation.BWRAP, Isolation.UNSHARE, Isolation.NONE);
        };
    }

    /** Runs {@code sh -c true} as a job would run; null when it worked, else why not. */
    private String probe(Path workRoot) {
        Path dir = null;
        try {
            dir = workRoot == null ? Files.createTempDirectory("trailboss-probe-") : Files.createTempDirectory(workRoot, "trailboss-probe-");
            handOver(dir);
            ProcessBuilder pb = processBuilder(List.of("/bin/sh", "-c", "echo ok"), dir, Map.of()).redirectErrorStream(true);
            Process p = start(pb);
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "a probe job did not end within 20 s";
            }
            if (p.exitValue() != 0 || !out.equals("ok")) return "a probe job failed (exit code " + p.exitValue() + "): " + out.lines().findFirst().orElse("");
            return null;
        } catch (IOException e) {
            return "a probe job could not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (dir != null) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // a probe directory left in the temporary directory
                }
            }
        }
    }

    /** A user by name through the system's user database ({@code getent passwd}). */
    static User lookUp(String name) {
        try {
            Process p = new ProcessBuilder("getent", "passwd", name).redirectErrorStream(true).start();
            String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0) {
                String[] f = line.split(":");
                if (f.length >= 4) return new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]));
            }
        } catch (IOException | NumberFormatException e) {
            // reported below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalArgumentException("no user '" + name + "' on this machine (getent passwd " + name + ")");
    }

    /** A size like {@code 4g}, {@code 512m}, {@code 64k} or bytes; 0 is no limit. */
    public static long parseSize(String text, String option) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("ib")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> { }
        }
        if (unit > 1) t = t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(t.trim());
            if (n < 0) throw new NumberFormatException();
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(option + " must be a size such as 4g, 512m or a number of bytes (0: no limit), not '" + text + "'");
        }
    }
}
