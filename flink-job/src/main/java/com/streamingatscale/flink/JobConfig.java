package com.streamingatscale.flink;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one typed, validated configuration of both jobs, parsed from {@code --name value} arguments.
 *
 * <p>Every argument is declared once in {@link Arg}; the usage text and the error messages are
 * generated from that table. Unknown arguments are rejected (a typo must not silently fall back to a
 * default), except the pass-through prefixes {@code --kafka.in.*} and {@code --kafka.out.*}.
 *
 * <p>Secrets (SASL passwords, JAAS configs, key store passwords) do not belong on the command line:
 * Flink shows a job's program arguments in its REST API and web UI. They go in the file named by
 * {@code --kafka-properties}, which {@link #parse} reads (in {@code main()}, on the client that
 * builds the job graph); only its path is ever printed.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String KAFKA_IN_PREFIX = "kafka.in.";
    public static final String KAFKA_OUT_PREFIX = "kafka.out.";
    /**
     * What a Kafka client setting's name looks like (lower case, as every Kafka client and connector
     * setting is). A key of the properties file that does not, such as a line of a PEM key continued
     * without a trailing backslash, is rejected: Kafka clients log unknown keys (by name only).
     */
    static final Pattern KAFKA_KEY = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    /** Which job to run. */
    public enum JobKind {
        SIMPLE_RELAY("simple-relay"),
        COMPLEX_PROCESSING("complex-processing");

        public final String cliName;

        JobKind(String cliName) {
            this.cliName = cliName;
        }
    }

    /** Output delivery guarantee. */
    public enum Delivery {
        AT_LEAST_ONCE("at-least-once"),
        EXACTLY_ONCE("exactly-once");

        public final String cliName;

        Delivery(String cliName) {
            this.cliName = cliName;
        }
    }

    /** Where the source starts reading. */
    public enum StartingOffsets {
        /** The group's committed offsets, falling back to earliest where none are committed. */
        COMMITTED("committed"),
        EARLIEST("earliest"),
        LATEST("latest");

        public final String cliName;

        StartingOffsets(String cliName) {
            this.cliName = cliName;
        }
    }

    /** Every argument, with its default (null: none) and a one-line description. */
    public enum Arg {
        JOB("job", null, "simple-relay | complex-processing (needed with JobMain only)"),
        BOOTSTRAP_SERVERS("bootstrap-servers", null, "Kafka bootstrap servers (required)"),
        INPUT_TOPIC("input-topic", "in", "topic to read events from"),
        OUTPUT_TOPIC("output-topic", "out", "topic to write enriched events / tags to"),
        GROUP_ID("group-id", "streaming-at-scale-flink", "consumer group id"),
        PARALLELISM("parallelism", null, "job parallelism (default: the cluster's default)"),
        CHECKPOINT_INTERVAL_MS("checkpoint-interval-ms", "10000", "checkpoint interval; 0 disables"),
        DELIVERY_GUARANTEE("delivery-guarantee", "at-least-once", "at-least-once | exactly-once"),
        TRANSACTIONAL_ID_PREFIX(
                "transactional-id-prefix", null, "transactional.id prefix for exactly-once (default: <group-id>-<job>)"),
        STARTING_OFFSETS("starting-offsets", "committed", "committed (falls back to earliest) | earliest | latest"),
        DEAD_LETTER_TOPIC("dead-letter-topic", null, "topic for malformed records (raw bytes); unset: drop them"),
        KAFKA_PROPERTIES("kafka-properties", null,
                "Java properties file of Kafka client settings (SASL/TLS) for source and sinks; values never"
                        + " printed; the job's bootstrap servers, group id, (de)serializers, transactional.id and"
                        + " --kafka.in./--kafka.out. win over it"),
        SYNTHETIC_WORK_US("synthetic-work-us", "0", "relay: busy-spin this many microseconds per record"),
        COUNT_TAG_EVERY("count-tag-every", "100", "complex: emit a 'count' tag every N records of a device"),
        TEMP_70S_COUNT("temp-70s-count", "3", "complex: how many 70s temperatures make 'several'"),
        TEMP_WINDOW_MS("temp-window-ms", "60000", "complex: event-time window for the 70s temperatures"),
        CO2_THRESHOLD("co2-threshold", "90", "complex: CO2 values above this are 'high'"),
        NO_NEWS_MS("no-news-ms", "45000", "complex: event-time silence that fires a 'no-news' tag"),
        MAX_OUT_OF_ORDERNESS_MS("max-out-of-orderness-ms", "5000", "complex: watermark bound on createdAt disorder"),
        IDLE_TIMEOUT_MS("idle-timeout-ms", "60000", "complex: mark a source subtask idle after this; 0 disables");

        public final String cliName;
        public final String defaultValue;
        public final String description;

        Arg(String cliName, String defaultValue, String description) {
            this.cliName = cliName;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        static Arg byName(String name) {
            for (Arg a : values()) {
                if (a.cliName.equals(name)) {
                    return a;
                }
            }
            return null;
        }
    }

    public final JobKind job;
    public final String bootstrapServers;
    public final String inputTopic;
    public final String outputTopic;
    public final String groupId;
    /** Null: the cluster default. */
    public final Integer parallelism;
    public final long checkpointIntervalMs;
    public final Delivery delivery;
    public final String transactionalIdPrefix;
    public final StartingOffsets startingOffsets;
    /** Null: malformed records are only counted. */
    public final String deadLetterTopic;
    public final long syntheticWorkMicros;
    public final long countTagEvery;
    public final int temp70sCount;
    public final long tempWindowMs;
    public final double co2Threshold;
    public final long noNewsMs;
    public final long maxOutOfOrdernessMs;
    public final long idleTimeoutMs;
    /** The {@code --kafka-properties} path as given; null: none. The only part of the file ever printed. */
    public final String kafkaPropertiesFile;
    private final Map<String, String> kafkaIn;
    private final Map<String, String> kafkaOut;
    /**
     * The contents of {@link #kafkaPropertiesFile} (secrets). Transient: a serialized JobConfig never
     * carries them (the Kafka source and sinks built from it do; see {@link KafkaIo}).
     */
    private final transient Map<String, String> kafkaFile;

    private JobConfig(JobKind job, Map<Arg, String> v, Map<String, String> kafkaIn, Map<String, String> kafkaOut) {
        this.job = job;
        this.bootstrapServers = v.get(Arg.BOOTSTRAP_SERVERS);
        this.inputTopic = nonEmpty(Arg.INPUT_TOPIC, v.get(Arg.INPUT_TOPIC));
        this.outputTopic = nonEmpty(Arg.OUTPUT_TOPIC, v.get(Arg.OUTPUT_TOPIC));
        this.groupId = nonEmpty(Arg.GROUP_ID, v.get(Arg.GROUP_ID));
        this.parallelism = v.get(Arg.PARALLELISM) == null ? null : (int) longIn(Arg.PARALLELISM, v, 1, 32768);
        this.checkpointIntervalMs = longIn(Arg.CHECKPOINT_INTERVAL_MS, v, 0, Long.MAX_VALUE);
        this.delivery = enumArg(Arg.DELIVERY_GUARANTEE, v.get(Arg.DELIVERY_GUARANTEE), Delivery.class);
        String prefix = v.get(Arg.TRANSACTIONAL_ID_PREFIX);
        this.transactionalIdPrefix = prefix != null ? nonEmpty(Arg.TRANSACTIONAL_ID_PREFIX, prefix) : groupId + "-" + job.cliName;
        this.startingOffsets = enumArg(Arg.STARTING_OFFSETS, v.get(Arg.STARTING_OFFSETS), StartingOffsets.class);
        String dlq = v.get(Arg.DEAD_LETTER_TOPIC);
        this.deadLetterTopic = dlq == null ? null : nonEmpty(Arg.DEAD_LETTER_TOPIC, dlq);
        this.syntheticWorkMicros = longIn(Arg.SYNTHETIC_WORK_US, v, 0, 10_000_000);
        this.countTagEvery = longIn(Arg.COUNT_TAG_EVERY, v, 1, Long.MAX_VALUE);
        this.temp70sCount = (int) longIn(Arg.TEMP_70S_COUNT, v, 1, 10_000);
        this.tempWindowMs = longIn(Arg.TEMP_WINDOW_MS, v, 1, Long.MAX_VALUE / 4);
        this.co2Threshold = doubleArg(Arg.CO2_THRESHOLD, v.get(Arg.CO2_THRESHOLD));
        this.noNewsMs = longIn(Arg.NO_NEWS_MS, v, 1, Long.MAX_VALUE / 4);
        this.maxOutOfOrdernessMs = longIn(Arg.MAX_OUT_OF_ORDERNESS_MS, v, 0, Long.MAX_VALUE / 4);
        this.idleTimeoutMs = longIn(Arg.IDLE_TIMEOUT_MS, v, 0, Long.MAX_VALUE / 4);
        this.kafkaIn = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaIn));
        this.kafkaOut = Collections.unmodifiableMap(new LinkedHashMap<>(kafkaOut));
        String file = v.get(Arg.KAFKA_PROPERTIES);
        this.kafkaPropertiesFile = file == null ? null : nonEmpty(Arg.KAFKA_PROPERTIES, file);
        this.kafkaFile = file == null
                ? Collections.<String, String>emptyMap()
                : Collections.unmodifiableMap(readKafkaProperties(kafkaPropertiesFile));
        if (delivery == Delivery.EXACTLY_ONCE && checkpointIntervalMs == 0) {
            throw new IllegalArgumentException(
                    "--delivery-guarantee exactly-once needs checkpoints: --checkpoint-interval-ms must be > 0");
        }
    }

    /**
     * Parses arguments. {@code fixedJob} is the job of a per-job main class (then {@code --job} is
     * optional and must agree), or null for {@link JobMain} (then {@code --job} is required).
     *
     * @throws IllegalArgumentException with a message naming the offending argument
     */
    public static JobConfig parse(String[] args, JobKind fixedJob) {
        Map<Arg, String> values = new LinkedHashMap<>();
        Map<String, String> kafkaIn = new LinkedHashMap<>();
        Map<String, String> kafkaOut = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String token = args[i];
            if (!token.startsWith("--") || token.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + token + "': arguments are --name value pairs");
            }
            String name = token.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("argument --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (name.startsWith(KAFKA_IN_PREFIX) && name.length() > KAFKA_IN_PREFIX.length()) {
                kafkaIn.put(name.substring(KAFKA_IN_PREFIX.length()), value);
                continue;
            }
            if (name.startsWith(KAFKA_OUT_PREFIX) && name.length() > KAFKA_OUT_PREFIX.length()) {
                kafkaOut.put(name.substring(KAFKA_OUT_PREFIX.length()), value);
                continue;
            }
            Arg arg = Arg.byName(name);
            if (arg == null) {
                throw new IllegalArgumentException("unknown argument --" + name + "; known arguments: " + knownNames()
                        + ", and --kafka.in.<property> / --kafka.out.<property>");
            }
            if (values.containsKey(arg)) {
                throw new IllegalArgumentException("argument --" + name + " given twice");
            }
            values.put(arg, value);
        }
        JobKind job;
        String jobValue = values.get(Arg.JOB);
        if (fixedJob == null) {
            if (jobValue == null) {
                throw new IllegalArgumentException("missing required argument --job (" + allowed(JobKind.class) + ")");
            }
            job = enumArg(Arg.JOB, jobValue, JobKind.class);
        } else {
            job = fixedJob;
            if (jobValue != null && enumArg(Arg.JOB, jobValue, JobKind.class) != fixedJob) {
                throw new IllegalArgumentException(
                        "--job " + jobValue + " contradicts this main class, which runs " + fixedJob.cliName);
            }
        }
        String bootstrap = values.get(Arg.BOOTSTRAP_SERVERS);
        if (bootstrap == null || bootstrap.trim().isEmpty()) {
            throw new IllegalArgumentException("missing required argument --bootstrap-servers (host:port[,host:port...])");
        }
        Map<Arg, String> withDefaults = new LinkedHashMap<>();
        for (Arg a : Arg.values()) {
            withDefaults.put(a, values.containsKey(a) ? values.get(a) : a.defaultValue);
        }
        return new JobConfig(job, withDefaults, kafkaIn, kafkaOut);
    }

    /** Usage text, generated from {@link Arg}. */
    public static String usage(String mainClass) {
        StringBuilder b = new StringBuilder("usage: ").append(mainClass).append(" --name value ...\n");
        for (Arg a : Arg.values()) {
            b.append(String.format(Locale.ROOT, "  --%-26s %s%s%n", a.cliName, a.description,
                    a.defaultValue == null ? "" : " [default: " + a.defaultValue + "]"));
        }
        b.append(String.format(Locale.ROOT, "  --%-26s %s%n", "kafka.in.<property> v", "Kafka consumer property"));
        b.append(String.format(Locale.ROOT, "  --%-26s %s%n", "kafka.out.<property> v",
                "Kafka producer property (output and dead-letter sinks)"));
        return b.toString();
    }

    /** Consumer properties given with {@code --kafka.in.}. */
    public Properties kafkaInProperties() {
        Properties p = new Properties();
        p.putAll(kafkaIn);
        return p;
    }

    /** Producer properties given with {@code --kafka.out.}. */
    public Properties kafkaOutProperties() {
        Properties p = new Properties();
        p.putAll(kafkaOut);
        return p;
    }

    /**
     * The properties of the {@code --kafka-properties} file (empty without one), for every Kafka client
     * of the job. They hold secrets: never log them (log {@link #kafkaPropertiesFile}).
     *
     * @throws IllegalStateException on a deserialized JobConfig, which does not carry them
     */
    public Properties kafkaFileProperties() {
        if (kafkaFile == null) {
            throw new IllegalStateException("the --kafka-properties values are not serialized with a JobConfig;"
                    + " build the Kafka source and sinks from the parsed one");
        }
        Properties p = new Properties();
        p.putAll(kafkaFile);
        return p;
    }

    /**
     * Reads a Java properties file (UTF-8). A file that does not exist, cannot be read, cannot be parsed
     * or has a key that is no Kafka setting name ({@link #KAFKA_KEY}) fails with a message naming the
     * argument and the path, and never any of its contents.
     */
    static Map<String, String> readKafkaProperties(String file) {
        String what = "argument --" + Arg.KAFKA_PROPERTIES.cliName + ": Kafka properties file '" + file + "'";
        Path path;
        try {
            path = Paths.get(file);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(what + " is not a valid path");
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(what + " does not exist" + (path.isAbsolute() ? ""
                    : " (a relative path is resolved against " + Paths.get("").toAbsolutePath()
                            + " on the machine that runs the job's main())"));
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(what + " is a directory, not a properties file");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " cannot be parsed: it is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            // Properties.load's only parse error, a malformed backslash-u escape; its message quotes nothing
            throw new IllegalArgumentException(what + " cannot be parsed as a Java properties file: " + e.getMessage());
        }
        Map<String, String> m = new TreeMap<>();
        int badKeys = 0;
        for (String k : p.stringPropertyNames()) {
            if (!KAFKA_KEY.matcher(k).matches()) {
                badKeys++;
            }
            m.put(k, p.getProperty(k));
        }
        if (badKeys > 0) {
            // Not quoted: such a "key" is usually part of a value on a line of its own (a PEM line
            // continued without a trailing backslash), and Kafka logs unknown keys by name.
            throw new IllegalArgumentException(what + " has " + badKeys + " key(s) that are not Kafka setting names"
                    + " (names match " + KAFKA_KEY.pattern() + "; a value continued without a trailing backslash?)");
        }
        return m;
    }

    private static String knownNames() {
        List<String> names = new ArrayList<>();
        for (Arg a : Arg.values()) {
            names.add("--" + a.cliName);
        }
        return String.join(", ", names);
    }

    private static String nonEmpty(Arg arg, String v) {
        if (v == null || v.trim().isEmpty()) {
            throw new IllegalArgumentException("argument --" + arg.cliName + " must not be empty");
        }
        return v;
    }

    private static long longIn(Arg arg, Map<Arg, String> v, long min, long max) {
        String s = v.get(arg);
        long n;
        try {
            n = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument --" + arg.cliName + " must be an integer, got '" + s + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("argument --" + arg.cliName + " must be "
                    + (max == Long.MAX_VALUE || max == Long.MAX_VALUE / 4 ? ">= " + min : "between " + min + " and " + max)
                    + ", got " + n);
        }
        return n;
    }

    private static double doubleArg(Arg arg, String s) {
        try {
            double d = Double.parseDouble(s.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument --" + arg.cliName + " must be a number, got '" + s + "'");
        }
    }

    private static <E extends Enum<E>> E enumArg(Arg arg, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (cliName(e).equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(
                "argument --" + arg.cliName + " has unknown value '" + value + "'; allowed: " + allowed(type));
    }

    private static <E extends Enum<E>> String allowed(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(cliName(e));
        }
        return String.join(", ", names);
    }

    private static String cliName(Enum<?> e) {
        if (e instanceof JobKind) {
            return ((JobKind) e).cliName;
        }
        if (e instanceof Delivery) {
            return ((Delivery) e).cliName;
        }
        if (e instanceof StartingOffsets) {
            return ((StartingOffsets) e).cliName;
        }
        return e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "JobConfig{job=" + job.cliName + ", bootstrapServers=" + bootstrapServers + ", inputTopic=" + inputTopic
                + ", outputTopic=" + outputTopic + ", groupId=" + groupId + ", parallelism=" + parallelism
                + ", checkpointIntervalMs=" + checkpointIntervalMs + ", delivery=" + delivery.cliName
                + ", startingOffsets=" + startingOffsets.cliName + ", deadLetterTopic=" + deadLetterTopic
                + ", syntheticWorkMicros=" + syntheticWorkMicros + ", kafka.in keys=" + kafkaIn.keySet()
                + ", kafka.out keys=" + kafkaOut.keySet()
                // the file's path only: its values are secrets
                + ", kafkaPropertiesFile=" + kafkaPropertiesFile + "}";
    }

    static List<String> argNames() {
        List<String> names = new ArrayList<>();
        for (Arg a : Arg.values()) {
            names.add(a.cliName);
        }
        return names;
    }

}
