package com.streamingatscale.flink;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the jar: {@code --job simple-relay|complex-processing} plus the job's arguments. */
public final class JobMain {
    private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

    private JobMain() {}

    public static void main(String[] args) throws Exception {
        run(args, null, JobMain.class.getName());
    }

    /** Parses, builds and executes; a bad argument fails before anything is submitted. */
    static void run(String[] args, JobConfig.JobKind fixedJob, String mainClass) throws Exception {
        JobConfig cfg;
        try {
            cfg = JobConfig.parse(args, fixedJob);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(JobConfig.usage(mainClass));
            throw e;
        }
        LOG.info("starting {}", cfg);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Jobs.configure(env, cfg);
        Jobs.build(env, cfg);
        env.execute("streaming-at-scale " + cfg.job.cliName);
    }
}
