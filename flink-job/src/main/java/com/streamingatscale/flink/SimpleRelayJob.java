package com.streamingatscale.flink;

/** Main class of the simple relay (same arguments as {@link JobMain}; {@code --job} optional). */
public final class SimpleRelayJob {
    private SimpleRelayJob() {}

    public static void main(String[] args) throws Exception {
        JobMain.run(args, JobConfig.JobKind.SIMPLE_RELAY, SimpleRelayJob.class.getName());
    }
}
