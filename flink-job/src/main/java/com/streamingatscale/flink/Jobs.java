package com.streamingatscale.flink;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.util.Collector;

/** Builds the two pipelines on an execution environment (used by the mains and the tests). */
public final class Jobs {
    private Jobs() {}

    /** Applies the environment-level settings: parallelism, checkpoints, object reuse. */
    public static void configure(StreamExecutionEnvironment env, JobConfig cfg) {
        if (cfg.parallelism != null) {
            env.setParallelism(cfg.parallelism);
        }
        if (cfg.checkpointIntervalMs > 0) {
            env.enableCheckpointing(cfg.checkpointIntervalMs, cfg.delivery == JobConfig.Delivery.EXACTLY_ONCE
                    ? CheckpointingMode.EXACTLY_ONCE
                    : CheckpointingMode.AT_LEAST_ONCE);
        }
        // No operator keeps references to its input records, so chained operators may share them.
        env.getConfig().enableObjectReuse();
    }

    public static void build(StreamExecutionEnvironment env, JobConfig cfg) {
        if (cfg.job == JobConfig.JobKind.SIMPLE_RELAY) {
            buildSimpleRelay(env, cfg);
        } else {
            buildComplexProcessing(env, cfg);
        }
    }

    public static void buildSimpleRelay(StreamExecutionEnvironment env, JobConfig cfg) {
        DataStream<KafkaBytes> in = env.fromSource(KafkaIo.source(cfg), WatermarkStrategy.noWatermarks(), "kafka-source")
                .uid("kafka-source");
        SingleOutputStreamOperator<KafkaBytes> relayed = in
                .process(new RelayFunction(cfg.deadLetterTopic != null, cfg.syntheticWorkMicros),
                        TypeInformation.of(KafkaBytes.class))
                .uid("relay").name("parse-and-enrich");
        relayed.sinkTo(KafkaIo.outputSink(cfg)).uid("kafka-sink").name("kafka-sink");
        deadLetters(relayed, cfg);
    }

    public static void buildComplexProcessing(StreamExecutionEnvironment env, JobConfig cfg) {
        DataStream<KafkaBytes> in = env.fromSource(KafkaIo.source(cfg), WatermarkStrategy.noWatermarks(), "kafka-source")
                .uid("kafka-source");
        SingleOutputStreamOperator<DeviceEvent> events = in
                .process(new ToDeviceEvent(cfg.deadLetterTopic != null), TypeInformation.of(DeviceEvent.class))
                .uid("parse").name("parse");
        deadLetters(events, cfg);
        WatermarkStrategy<DeviceEvent> wm = WatermarkStrategy
                .<DeviceEvent>forBoundedOutOfOrderness(Duration.ofMillis(cfg.maxOutOfOrdernessMs))
                .withTimestampAssigner((e, ts) -> e.createdAtMs);
        if (cfg.idleTimeoutMs > 0) {
            wm = wm.withIdleness(Duration.ofMillis(cfg.idleTimeoutMs));
        }
        events.assignTimestampsAndWatermarks(wm).uid("watermarks").name("watermarks")
                .keyBy(e -> e.deviceId)
                .process(new TaggingFunction(cfg), TypeInformation.of(KafkaBytes.class))
                .uid("tagging").name("tagging")
                .sinkTo(KafkaIo.outputSink(cfg)).uid("kafka-sink").name("kafka-sink");
    }

    private static void deadLetters(SingleOutputStreamOperator<?> parsed, JobConfig cfg) {
        if (cfg.deadLetterTopic != null) {
            parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                    .sinkTo(KafkaIo.deadLetterSink(cfg)).uid("dead-letter-sink").name("dead-letter-sink");
        }
    }

    /** Parse step of the complex job. */
    public static final class ToDeviceEvent extends ParseFunction<DeviceEvent> {
        private static final long serialVersionUID = 1L;

        public ToDeviceEvent(boolean deadLetters) {
            super(deadLetters);
        }

        @Override
        protected void handle(KafkaBytes in, ObjectNode event, Collector<DeviceEvent> out)
                throws MalformedEventException {
            out.collect(Events.toDeviceEvent(event, in.timestamp));
        }
    }
}
