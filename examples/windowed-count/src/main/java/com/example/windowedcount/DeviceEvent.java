package com.example.windowedcount;

/** The two fields of an input event the job uses (a Flink POJO: public fields, no-arg constructor). */
public class DeviceEvent {
    public String deviceId;
    /** ISO-8601 UTC, kept exactly as the producer wrote it. */
    public String createdAt;

    public DeviceEvent() {}

    public DeviceEvent(String deviceId, String createdAt) {
        this.deviceId = deviceId;
        this.createdAt = createdAt;
    }
}
