package io.trailboss.cli;

import io.trailboss.api.ApiServer;
import io.trailboss.app.Trailboss;
import io.trailboss.auth.Auth;
import io.trailboss.store.Database;
import io.trailboss.target.SecretBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", mixinStandardHelpOptions = true, description = "Run the server (API, engine, local runners).")
final class ServerCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerCommand.class);

    @Option(names = "--host", defaultValue = "${env:TRAILBOSS_HOST:-127.0.0.1}", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:TRAILBOSS_PORT:-8080}", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", defaultValue = "${env:TRAILBOSS_DATA:-data}", description = "Directory of the embedded database and of secret.key, the key of secret params unless TRAILBOSS_SECRET_KEY is set (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = {"--db", "--db-url"}, defaultValue = "${env:TRAILBOSS_DB_URL}", description = "JDBC URL of a PostgreSQL database instead of the embedded one, e.g. jdbc:postgresql://127.0.0.1:5432/trailboss?user=trailboss")
    String dbUrl;

    @Option(names = "--db-pool", defaultValue = "${env:TRAILBOSS_DB_POOL:-16}", description = "Connections this node keeps to PostgreSQL (every node of a shared database has its own pool, plus two connections of its own: one listening for other nodes, one for its heartbeat; default: ${DEFAULT-VALUE}).")
    int dbPool;

    @Option(names = "--log-cap", defaultValue = "${env:TRAILBOSS_LOG_CAP:-4194304}", description = "Largest log a job keeps, in bytes; the log says so when it is cut (default: ${DEFAULT-VALUE}).")
    long logCap;

    @Option(names = "--agent-lease", defaultValue = "${env:TRAILBOSS_AGENT_LEASE:-15}", description = "Seconds a job claimed by an agent stays its without a heartbeat; then it is lost (default: ${DEFAULT-VALUE}).")
    double agentLease;

    @Option(names = "--node-lease", defaultValue = "${env:TRAILBOSS_NODE_LEASE:-10}", description = "Seconds this node counts as alive after its last heartbeat (sent every lease/5, at most each second); then another node takes over its jobs (default: ${DEFAULT-VALUE}).")
    double nodeLease;

    @Option(names = "--recordings-retention-days", defaultValue = "${env:TRAILBOSS_RECORDINGS_RETENTION_DAYS:-0}", description = "Prune Ansible recordings older than this many days, at start and every hour (default: ${DEFAULT-VALUE}, keep everything).")
    int retentionDays;

    @picocli.CommandLine.Mixin
    JobOptions jobs = new JobOptions();

    @Option(names = "--auth", defaultValue = "${env:TRAILBOSS_AUTH}", description = "required or open. Default: open only when listening on a loopback address with the embedded database, else required.")
    String auth;

    @Override
    public Integer call() throws Exception {
        if (auth != null && !auth.isBlank() && !auth.equals("required") && !auth.equals("open")) {
            System.err.println("error: --auth must be 'required' or 'open', not '" + auth + "'");
            return 2;
        }
        if (retentionDays < 0) {
            System.err.println("error: --recordings-retention-days must be 0 (keep everything) or a number of days");
            return 2;
        }
        io.trailboss.action.JobSandbox sandbox;
        try {
            sandbox = jobs.build(null, data, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Database db;
        if (dbUrl != null && !dbUrl.isBlank()) {
            if (dbPool < 2) {
                System.err.println("error: --db-pool must be at least 2, not " + dbPool);
                return 2;
            }
            db = Database.connect(dbUrl, null, null, dbPool);
        } else {
            Files.createDirectories(data);
            db = Database.embedded(data);
        }
        SecretBox secrets = SecretBox.load(data.resolve("secret.key"));
        if (Files.isDirectory(data)) ownerOnly(data);
        Trailboss tb = new Trailboss(db, Clock.systemUTC(), secrets, sandbox);
        tb.engine().jobLogs().cap(logCap);
        tb.agents().setLease(java.time.Duration.ofMillis(Math.round(agentLease * 1000)));
        tb.nodes().setLease(java.time.Duration.ofMillis(Math.round(nodeLease * 1000)));
        // another node took this node's work (it missed its heartbeats): going on would run jobs twice
        tb.nodes().onDeclaredDead(() -> Runtime.getRuntime().halt(75));
        boolean embedded = dbUrl == null || dbUrl.isBlank();
        Auth.Mode mode = auth == null || auth.isBlank() ? Auth.Mode.defaultFor(host, embedded) : Auth.Mode.valueOf(auth.toUpperCase(java.util.Locale.ROOT));
        // on the console only: a generated password must not stay in log files
        tb.auth().bootstrap(System.getenv("TRAILBOSS_ADMIN_PASSWORD"), System.getenv("TRAILBOSS_ADMIN_TOKEN"), System.out::println);
        ApiServer api = new ApiServer(tb, host, port, mode).start();
        tb.recover();
        if (retentionDays > 0) tb.retainRecordings(retentionDays, java.time.Duration.ofHours(1));
        String where = dbUrl != null && !dbUrl.isBlank() ? "PostgreSQL" : "embedded H2 in " + data.toAbsolutePath();
        System.out.println("trailboss listening on http://" + host + ":" + api.port() + " (database: " + where + ")");
        String access = mode == Auth.Mode.OPEN ? "running open: anyone who can reach " + host + ":" + api.port() + " acts as admin"
                : "authentication required";
        System.out.println(access);
        LOG.info(access);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            tb.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    /**
     * The data directory (database files, secret key) is for this process's user alone: a job that
     * sees the file system (no bubblewrap) as another user must not read it.
     */
    private static void ownerOnly(Path data) {
        try {
            var owner = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
            if (!Files.getPosixFilePermissions(data).equals(owner)) {
                Files.setPosixFilePermissions(data, owner);
                LOG.info("data directory {} made owner-only (rwx------)", data.toAbsolutePath());
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            LOG.warn("cannot make the data directory {} owner-only: {}", data.toAbsolutePath(), e.toString());
        }
    }
}
