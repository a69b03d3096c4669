package com.streamingatscale.flink;

/** Main class of the complex processing job (same arguments as {@link JobMain}; {@code --job} optional). */
public final class ComplexProcessingJob {
    private ComplexProcessingJob() {}

    public static void main(String[] args) throws Exception {
        JobMain.run(args, JobConfig.JobKind.COMPLEX_PROCESSING, ComplexProcessingJob.class.getName());
    }
}
