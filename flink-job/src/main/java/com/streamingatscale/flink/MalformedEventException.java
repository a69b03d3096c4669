package com.streamingatscale.flink;

/** An input record that is not a valid event: not JSON, a missing field, or a field of the wrong type. */
public class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String message) {
        super(message, null, false, false);
    }
}
