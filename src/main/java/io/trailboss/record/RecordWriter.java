package io.trailboss.record;

/**
 * Who writes a recording: somebody whose role lets them write any ({@link #ANYONE}), or a running job
 * with its own token, which may write only the playbooks it created and what lies below them (plays,
 * tasks, hosts, results, files, records).
 */
public record RecordWriter(String jobId) {
    public static final RecordWriter ANYONE = new RecordWriter(null);

    public static RecordWriter job(String jobId) {
        if (jobId == null || jobId.isEmpty()) throw new IllegalArgumentException("a job writer needs its job's id");
        return new RecordWriter(jobId);
    }

    public boolean isJob() {
        return jobId != null;
    }
}
