package com.example.windowedcount;

import java.io.Serializable;
import java.util.Set;
import org.apache.flink.api.java.utils.ParameterTool;

/** The job's program arguments, parsed with Flink's {@link ParameterTool} and validated. */
public final class JobArgs implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String USAGE = "usage: WindowedCountJob --bootstrap-servers <host:port,...> --input-topic <topic>"
            + " --output-topic <topic> --group-id <consumer group> --parallelism <n>"
            + " [--window-seconds <s> (default 5)] [--checkpoint-interval-ms <ms> (default 5000)]";

    /** What ParameterTool stores for a flag given without a value (its own constant is protected). */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    public final String bootstrapServers;
    public final String inputTopic;
    public final String outputTopic;
    public final String groupId;
    public final int parallelism;
    public final int windowSeconds;
    public final long checkpointIntervalMs;

    private JobArgs(ParameterTool p) {
        bootstrapServers = required(p, "bootstrap-servers");
        inputTopic = required(p, "input-topic");
        outputTopic = required(p, "output-topic");
        groupId = required(p, "group-id");
        parallelism = (int) number(p, "parallelism", null, 1, 32_768);
        windowSeconds = (int) number(p, "window-seconds", "5", 1, 86_400);
        // Flink's smallest checkpoint interval is 10 ms. Checkpoints cannot be turned off here: they
        // are what commits the consumer group's offsets, and those are what the benchmark measures.
        checkpointIntervalMs = number(p, "checkpoint-interval-ms", "5000", 10, Long.MAX_VALUE);
        Set<String> unknown = p.getUnrequestedParameters();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown argument(s) " + unknown + "; " + USAGE);
        }
    }

    /** @throws IllegalArgumentException naming the missing or invalid argument */
    public static JobArgs parse(String[] args) {
        ParameterTool p;
        try {
            p = ParameterTool.fromArgs(args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; " + USAGE, e);
        }
        return new JobArgs(p);
    }

    private static String required(ParameterTool p, String name) {
        String v = p.get(name);
        if (v == null || v.trim().isEmpty() || NO_VALUE.equals(v)) {
            throw new IllegalArgumentException("missing required argument --" + name + "; " + USAGE);
        }
        return v.trim();
    }

    private static long number(ParameterTool p, String name, String defaultValue, long min, long max) {
        String v = defaultValue == null ? required(p, name) : p.get(name, defaultValue).trim();
        if (NO_VALUE.equals(v)) {
            throw new IllegalArgumentException("argument --" + name + " needs a value; " + USAGE);
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument --" + name + " must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("argument --" + name + " must be between " + min + " and " + max
                    + ", got " + n);
        }
        return n;
    }
}
