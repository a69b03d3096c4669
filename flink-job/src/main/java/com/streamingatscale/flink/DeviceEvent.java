package com.streamingatscale.flink;

/** The fields of a valid event that the complex-processing job needs (a Flink POJO). */
public class DeviceEvent {
    public String deviceId;
    public String eventId;
    public String type;
    public double value;
    /** createdAt exactly as received (microseconds kept). */
    public String createdAt;
    /** createdAt in epoch milliseconds: the event time. */
    public long createdAtMs;
    /** Kafka timestamp of the input record, epoch milliseconds. */
    public long enqueuedAtMs;

    public DeviceEvent() {}

    public DeviceEvent(String deviceId, String eventId, String type, double value, String createdAt, long createdAtMs,
            long enqueuedAtMs) {
        this.deviceId = deviceId;
        this.eventId = eventId;
        this.type = type;
        this.value = value;
        this.createdAt = createdAt;
        this.createdAtMs = createdAtMs;
        this.enqueuedAtMs = enqueuedAtMs;
    }

    @Override
    public String toString() {
        return "DeviceEvent{" + deviceId + ", " + eventId + ", " + type + "=" + value + ", " + createdAt + "}";
    }
}
