/**
 * The audit's bookkeeping (pure): every input and output record of a run, identified by
 * (deviceId, deviceSequenceNumber). The simulator gives each such pair exactly one eventId and sends
 * a duplicate with the same eventId, so counting per pair counts duplicates by eventId without
 * keeping millions of ids in memory: one byte per event and side, plus each event's place in its
 * device's input order (4 bytes), against which the output's order is judged.
 */
export interface AuditCounts {
  inputRecords: number;
  /** Distinct events in the input topic. */
  inputEvents: number;
  /** Sequence numbers missing in the input topic itself (lost before Flink: the producer side). */
  inputGaps: number;
  outputRecords: number;
  outputEvents: number;
  /** Output records beyond the first of each event (the simulator's own plus any redelivery). */
  duplicates: number;
  /** Input events that never reached the output. */
  lost: number;
  /**
   * First deliveries of an event after an event of the same device that came after it on `in`: the
   * pipeline's own reordering (the input's order is the reference, not the sequence numbers).
   */
  reordered: number;
  /** Events appended to `in` after a later event of the same device: reordered before the pipeline. */
  inputReordered: number;
  /** Output records that are not events of this run (unparseable or unknown device). */
  foreign: number;
}

class SeenCounts {
  private counts = new Uint8Array(1024);
  min = Number.MAX_SAFE_INTEGER;
  max = -1;

  /** Adds one sighting of `seq` and returns how many there were before. */
  add(seq: number): number {
    if (seq >= this.counts.length) {
      const grown = new Uint8Array(Math.max(seq + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    const before = this.counts[seq];
    if (before < 255) this.counts[seq] = before + 1;
    if (seq > this.max) this.max = seq;
    if (seq < this.min) this.min = seq;
    return before;
  }

  has(seq: number): boolean {
    return seq < this.counts.length && this.counts[seq] > 0;
  }
}

/** Each event's place in its device's input order (1 = first on `in`; 0 = not seen on `in`). */
class InputOrder {
  private places = new Uint32Array(1024);
  private next = 1;

  add(seq: number): void {
    if (seq >= this.places.length) {
      const grown = new Uint32Array(Math.max(seq + 1, this.places.length * 2));
      grown.set(this.places);
      this.places = grown;
    }
    this.places[seq] = this.next++;
  }

  placeOf(seq: number): number {
    return seq < this.places.length ? this.places[seq] : 0;
  }
}

interface DeviceLedger {
  input: SeenCounts;
  inputOrder: InputOrder;
  output: SeenCounts;
  /** The latest input place among the events delivered so far. */
  deliveredUpTo: number;
}

export class AuditLedger {
  private readonly devices = new Map<string, DeviceLedger>();
  private inputRecords = 0;
  private outputRecords = 0;
  private duplicates = 0;
  private reordered = 0;
  private inputReordered = 0;
  private foreign = 0;

  private device(deviceId: string): DeviceLedger {
    let ledger = this.devices.get(deviceId);
    if (!ledger) {
      ledger = { input: new SeenCounts(), inputOrder: new InputOrder(), output: new SeenCounts(), deliveredUpTo: 0 };
      this.devices.set(deviceId, ledger);
    }
    return ledger;
  }

  /** Input records must all be recorded before the first output record (the audit reads `in` first). */
  recordInput(deviceId: string, seq: number): void {
    this.inputRecords++;
    const ledger = this.device(deviceId);
    const maxBefore = ledger.input.max;
    if (ledger.input.add(seq) > 0) return;
    ledger.inputOrder.add(seq);
    if (seq < maxBefore) this.inputReordered++;
  }

  recordOutput(deviceId: string, seq: number): void {
    this.outputRecords++;
    const ledger = this.devices.get(deviceId);
    if (!ledger) {
      this.foreign++;
      return;
    }
    if (ledger.output.add(seq) > 0) {
      this.duplicates++;
      return;
    }
    // Events from before the audited input window have no input place: their order is not judged.
    const place = ledger.inputOrder.placeOf(seq);
    if (place === 0) return;
    if (place < ledger.deliveredUpTo) this.reordered++;
    else ledger.deliveredUpTo = place;
  }

  /** A record that could not be read as an event at all. */
  recordForeignOutput(): void {
    this.outputRecords++;
    this.foreign++;
  }

  counts(): AuditCounts {
    let inputEvents = 0;
    let inputGaps = 0;
    let outputEvents = 0;
    let lost = 0;
    for (const { input, output } of this.devices.values()) {
      // An audit window may start mid-sequence: gaps count from each device's first input event.
      for (let seq = input.min; seq <= input.max; seq++) {
        if (!input.has(seq)) {
          inputGaps++;
          continue;
        }
        inputEvents++;
        if (output.has(seq)) outputEvents++;
        else lost++;
      }
    }
    return {
      inputRecords: this.inputRecords,
      inputEvents,
      inputGaps,
      outputRecords: this.outputRecords,
      outputEvents,
      duplicates: this.duplicates,
      lost,
      reordered: this.reordered,
      inputReordered: this.inputReordered,
      foreign: this.foreign,
    };
  }
}
