/**
 * The audit's bookkeeping (pure): every input and output record of a run, identified by
 * (deviceId, deviceSequenceNumber). The simulator gives each such pair exactly one eventId and sends
 * a duplicate with the same eventId, so counting per pair counts duplicates by eventId without
 * keeping millions of ids in memory: one byte per event and side.
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
  /** First deliveries of an event after a later event of the same device was already delivered. */
  reordered: number;
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

interface DeviceLedger {
  input: SeenCounts;
  output: SeenCounts;
}

export class AuditLedger {
  private readonly devices = new Map<string, DeviceLedger>();
  private inputRecords = 0;
  private outputRecords = 0;
  private duplicates = 0;
  private reordered = 0;
  private foreign = 0;

  private device(deviceId: string): DeviceLedger {
    let ledger = this.devices.get(deviceId);
    if (!ledger) {
      ledger = { input: new SeenCounts(), output: new SeenCounts() };
      this.devices.set(deviceId, ledger);
    }
    return ledger;
  }

  recordInput(deviceId: string, seq: number): void {
    this.inputRecords++;
    this.device(deviceId).input.add(seq);
  }

  recordOutput(deviceId: string, seq: number): void {
    this.outputRecords++;
    const ledger = this.devices.get(deviceId);
    if (!ledger) {
      this.foreign++;
      return;
    }
    const maxBefore = ledger.output.max;
    if (ledger.output.add(seq) > 0) this.duplicates++;
    else if (seq < maxBefore) this.reordered++;
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
      foreign: this.foreign,
    };
  }
}
