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

    @Option(names = "--log-cap", defaultValue = "${env:TRAILBOSS_LOG_CAP:-4194304}", description = "Largest log a job keeps, in bytes; a job whose log reaches it is stopped and fails, saying so (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--tls", defaultValue = "${env:TRAILBOSS_TLS:-auto}", description = "auto, on or off. auto (the default): HTTPS when listening "
            + "beyond loopback, plain HTTP on a loopback address; on: HTTPS on any address; off: plain HTTP (said loudly at start).")
    String tls;

    @Option(names = "--insecure-http", description = "Serve plain HTTP on any address (the same as --tls off): tokens, passwords, job logs and secrets cross the network unencrypted.")
    boolean insecureHttp;

    @Option(names = "--tls-cert", defaultValue = "${env:TRAILBOSS_TLS_CERT}", description = "PEM file of the server's certificate chain (its own certificate first); "
            + "read again when it changes. Default: a self-signed certificate made in <data>/tls/.")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:TRAILBOSS_TLS_KEY}", description = "PEM file of the certificate's private key (PKCS#8, PKCS#1 or EC); read again when it changes.")
    Path tlsKey;

    @Option(names = "--tls-name", split = ",", description = "A host name or address the self-signed certificate must name besides this machine's own (repeatable).")
    java.util.List<String> tlsNames = new java.util.ArrayList<>();

    @Option(names = "--trusted-proxies", defaultValue = "${env:TRAILBOSS_TRUSTED_PROXIES}", description = "Addresses or CIDR ranges of reverse proxies whose "
            + "Forwarded / X-Forwarded-For / -Proto / -Host headers are believed (comma-separated). Default: none, these headers are ignored.")
    String trustedProxies;

    /** How often the certificate files are looked at for a renewal. */
    static final java.time.Duration CERTIFICATE_CHECK = java.time.Duration.ofSeconds(5);

    @Override
    public Integer call() throws Exception {
        String tlsMode = insecureHttp ? "off" : tls == null || tls.isBlank() ? "auto" : tls.strip().toLowerCase(java.util.Locale.ROOT);
        if (!java.util.List.of("auto", "on", "off").contains(tlsMode)) {
            System.err.println("error: --tls must be auto, on or off, not '" + tls + "'");
            return 2;
        }
        if (insecureHttp && tls != null && tls.strip().equalsIgnoreCase("on")) {
            System.err.println("error: --insecure-http and --tls on contradict each other");
            return 2;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            System.err.println("error: --tls-cert and --tls-key go together (the certificate chain and its private key, PEM)");
            return 2;
        }
        if (tlsCert != null && tlsMode.equals("off")) {
            System.err.println("error: a certificate is given (--tls-cert) but TLS is off (" + (insecureHttp ? "--insecure-http" : "--tls off") + "): drop one of them");
            return 2;
        }
        java.util.List<io.trailboss.api.Cidr> proxies;
        try {
            proxies = io.trailboss.api.Cidr.parseList(trustedProxies);
        } catch (IllegalArgumentException e) {
            System.err.println("error: --trusted-proxies: " + e.getMessage());
            return 2;
        }
        for (String name : tlsNames) {
            if (!name.strip().matches("[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9a-fA-F:.]+")) {
                System.err.println("error: --tls-name '" + name + "' is neither a host name nor an IP address");
                return 2;
            }
        }
        boolean loopback = isLoopback(host);
        boolean serveTls = tlsCert != null || tlsMode.equals("on") || (tlsMode.equals("auto") && !loopback);
        io.trailboss.tls.CertificateFiles certificate = null;
        String certificateSays = null;
        if (serveTls) {
            try {
                if (tlsCert != null) {
                    certificate = new io.trailboss.tls.CertificateFiles(tlsCert, tlsKey);
                    certificateSays = "TLS certificate " + tlsCert.toAbsolutePath() + " (read again when it changes)";
                } else {
                    io.trailboss.tls.SelfSignedCertificate.Made made = io.trailboss.tls.SelfSignedCertificate.ensure(data.resolve("tls"), tlsNames, Clock.systemUTC());
                    certificate = new io.trailboss.tls.CertificateFiles(made.certificate(), made.key());
                    certificateSays = made.created()
                            ? "TLS certificate: made a new self-signed one in " + made.certificate().toAbsolutePath() + " (" + made.why() + ")"
                            : "TLS certificate: the self-signed one in " + made.certificate().toAbsolutePath();
                }
            } catch (java.io.IOException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
        }
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
        ApiServer api = new ApiServer(tb, host, port, mode, new ApiServer.Transport(certificate, proxies, data.resolve("tls"))).start();
        if (certificate != null) certificate.watch(CERTIFICATE_CHECK);
        tb.recover();
        if (retentionDays > 0) tb.retainRecordings(retentionDays, java.time.Duration.ofHours(1));
        String where = dbUrl != null && !dbUrl.isBlank() ? "PostgreSQL" : "embedded H2 in " + data.toAbsolutePath();
        String scheme = certificate != null ? "https" : "http";
        System.out.println("trailboss listening on " + scheme + "://" + host + ":" + api.port() + " (database: " + where + ")");
        if (certificate != null) {
            io.trailboss.tls.CertificateFiles.Loaded served = certificate.current();
            System.out.println(certificateSays);
            System.out.println("TLS certificate SHA-256 fingerprint: " + served.fingerprint());
            System.out.println("  " + served.certificate().getSubjectX500Principal().getName() + ", valid until " + served.certificate().getNotAfter().toInstant()
                    + ", names: " + String.join(", ", io.trailboss.tls.SelfSignedCertificate.subjectAltNames(served.certificate())));
            System.out.println("  agents and the CLI trust it with --fingerprint " + served.fingerprint() + (served.selfSigned() != null
                    ? " (agent tokens issued over HTTPS carry it)" : " or --ca FILE (the issuing CA)"));
            LOG.info("serving HTTPS; certificate SHA-256 fingerprint {}", served.fingerprint());
        } else if (loopback) {
            String note = "plain HTTP on a loopback address only (--tls on serves HTTPS here too)";
            System.out.println(note);
            LOG.info(note);
        } else {
            String warning = "WARNING: PLAIN HTTP on " + host + ":" + api.port() + " (" + (insecureHttp ? "--insecure-http" : "--tls off")
                    + "): passwords, tokens, job logs and rendered secrets cross the network UNENCRYPTED. Serve HTTPS (drop that option)"
                    + " or keep this port behind a TLS proxy on the same machine (--trusted-proxies).";
            String bar = "!".repeat(Math.min(100, warning.length()));
            System.out.println(bar);
            System.out.println(warning);
            System.out.println(bar);
            System.err.println(warning);
            LOG.warn(warning);
        }
        if (!proxies.isEmpty()) System.out.println("X-Forwarded-* headers believed from " + proxies.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", ")));
        String access = mode == Auth.Mode.OPEN ? "running open: anyone who can reach " + host + ":" + api.port() + " acts as admin"
                : "authentication required";
        System.out.println(access);
        LOG.info(access);
        CountDownLatch stop = new CountDownLatch(1);
        System.out.flush();
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

    /** A loopback address or a name that resolves only to loopback addresses; a wildcard address is not. */
    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) return false;
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            for (java.net.InetAddress a : all) if (!a.isLoopbackAddress()) return false;
            return all.length > 0;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
