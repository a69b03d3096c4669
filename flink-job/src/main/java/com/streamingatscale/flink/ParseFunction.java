package com.streamingatscale.flink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses and validates each record; valid events go to {@link #handle}, malformed ones are counted in
 * the {@code malformedRecords} metric and, when a dead-letter topic is configured, sent unchanged to
 * the {@link #DEAD_LETTERS} side output. A malformed record never fails the job.
 */
public abstract class ParseFunction<OUT> extends ProcessFunction<KafkaBytes, OUT> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseFunction.class);

    public static final String MALFORMED_METRIC = "malformedRecords";
    public static final OutputTag<KafkaBytes> DEAD_LETTERS = new OutputTag<KafkaBytes>("dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    private final boolean deadLetters;
    private transient Counter malformed;

    protected ParseFunction(boolean deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(Configuration parameters) throws Exception {
        malformed = getRuntimeContext().getMetricGroup().counter(MALFORMED_METRIC);
    }

    @Override
    public final void processElement(KafkaBytes in, Context ctx, Collector<OUT> out) throws Exception {
        ObjectNode event;
        try {
            event = Events.parse(in.value);
            handle(in, event, out);
        } catch (MalformedEventException e) {
            malformed.inc();
            long n = malformed.getCount();
            if (n <= 10 || n % 10_000 == 0) {
                LOG.warn("malformed record #{} ({}), {}", n, e.getMessage(),
                        deadLetters ? "sent to the dead-letter topic" : "dropped");
            }
            if (deadLetters) {
                ctx.output(DEAD_LETTERS, in);
            }
        }
    }

    /** Handles a valid event; may throw {@link MalformedEventException} to route the record as malformed. */
    protected abstract void handle(KafkaBytes in, ObjectNode event, Collector<OUT> out) throws MalformedEventException;
}
