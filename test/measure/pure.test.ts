import { AuditLedger } from '../../src/measure/audit-ledger.js';
import { eventIdentity, eventTimes, parseIsoTimestamp, parseRecord } from '../../src/measure/event-fields.js';
import { intervalRow } from '../../src/measure/rows.js';

describe('parseIsoTimestamp', () => {
  it('keeps microseconds', () => {
    const base = Date.parse('2026-11-26T12:00:00Z');
    expect(parseIsoTimestamp('2026-11-26T12:00:00.000123Z') - base).toBeCloseTo(0.123, 3); // a double near 1.8e12 ms holds ~0.25 µs;
    expect(parseIsoTimestamp('2026-11-26T12:00:00.5Z') - base).toBe(500);
    expect(parseIsoTimestamp('2026-11-26T12:00:00Z')).toBe(base);
    expect(parseIsoTimestamp('yesterday')).toBeNaN();
  });
});

describe('event fields', () => {
  it('reads identity and times of an enriched record', () => {
    const record = parseRecord(
      Buffer.from(
        JSON.stringify({
          deviceId: 'contoso://device-id-7',
          deviceSequenceNumber: 41,
          createdAt: '2026-11-26T12:00:00.000250Z',
          enqueuedAt: '2026-11-26T12:00:00.010Z',
          processedAt: '2026-11-26T12:00:00.020Z',
        }),
      ),
    )!;
    expect(eventIdentity(record)).toEqual({ deviceId: 'contoso://device-id-7', seq: 41 });
    const times = eventTimes(record)!;
    expect(times.processedAt! - times.createdAt).toBeCloseTo(19.75, 3);
    expect(times.enqueuedAt! - times.createdAt).toBeCloseTo(9.75, 3);
  });

  it("a user's job: createdAt at a dotted path (ISO or epoch ms), to the record's append time", () => {
    const source = { createdField: ['window', 'createdAt'], end: 'append-time' as const };
    const appended = Date.parse('2026-11-26T12:00:01Z');
    const iso = eventTimes(
      { window: { createdAt: '2026-11-26T12:00:00.500Z' }, processedAt: 'ignored' },
      source,
      appended,
    );
    expect(iso).toEqual({ createdAt: appended - 500, processedAt: appended });
    expect(eventTimes({ window: { createdAt: appended - 250 } }, source, appended)).toEqual({
      createdAt: appended - 250,
      processedAt: appended,
    });
    expect(eventTimes({ window: 'x' }, source, appended)).toBeUndefined();
    expect(eventTimes({ createdAt: '2026-11-26T12:00:00Z' }, source, appended)).toBeUndefined();
  });

  it('rejects what is not an event', () => {
    expect(parseRecord(Buffer.from('not json'))).toBeUndefined();
    expect(parseRecord(null)).toBeUndefined();
    expect(eventIdentity({ deviceId: 'x', deviceSequenceNumber: '3' })).toBeUndefined();
    expect(eventTimes({ createdAt: 12 })).toBeUndefined();
  });
});

describe('AuditLedger', () => {
  it('counts duplicates, loss, reordering and input gaps per device', () => {
    const ledger = new AuditLedger();
    for (const seq of [0, 1, 2, 3, 4, 6]) ledger.recordInput('a', seq); // 5 never produced
    ledger.recordInput('a', 2); // the simulator's duplicate of seq 2
    for (const seq of [10, 11]) ledger.recordInput('b', seq); // window starts mid-sequence
    for (const seq of [0, 1, 2, 2, 4, 3, 6, 4]) ledger.recordOutput('a', seq); // 3 late, 4 twice
    ledger.recordOutput('b', 10);
    ledger.recordOutput('zzz', 1);
    ledger.recordForeignOutput();
    expect(ledger.counts()).toEqual({
      inputRecords: 9,
      inputEvents: 8,
      inputGaps: 1,
      outputRecords: 11,
      outputEvents: 7,
      duplicates: 2,
      lost: 1, // b/11
      reordered: 1, // a/3 after a/4
      inputReordered: 0,
      foreign: 2,
    });
  });

  it("judges the output's order against the input's, and counts the input's own reordering apart", () => {
    const ledger = new AuditLedger();
    for (const seq of [0, 2, 1, 3]) ledger.recordInput('a', seq); // the producer sent 2 before 1
    for (const seq of [0, 1, 2, 3]) ledger.recordInput('b', seq);
    for (const seq of [0, 2, 1, 3]) ledger.recordOutput('a', seq); // kept the input's order
    for (const seq of [0, 2, 1, 3]) ledger.recordOutput('b', seq); // the pipeline swapped 1 and 2
    expect(ledger.counts()).toMatchObject({ inputReordered: 1, reordered: 1, lost: 0, duplicates: 0 });

    const sorted = new AuditLedger();
    for (const seq of [0, 2, 1, 3]) sorted.recordInput('a', seq);
    for (const seq of [0, 1, 2, 3]) sorted.recordOutput('a', seq); // differs from the input's order
    expect(sorted.counts()).toMatchObject({ inputReordered: 1, reordered: 1 });
  });

  it('does not judge the order of events from before the input window', () => {
    const ledger = new AuditLedger();
    for (const seq of [5, 6]) ledger.recordInput('a', seq);
    for (const seq of [4, 3, 5, 6]) ledger.recordOutput('a', seq); // 3 and 4: appended to in before the window
    expect(ledger.counts()).toMatchObject({ reordered: 0, lost: 0, outputEvents: 2 });
  });

  it('handles sequences beyond its initial capacity', () => {
    const ledger = new AuditLedger();
    for (let seq = 0; seq < 5000; seq++) ledger.recordInput('d', seq);
    for (let seq = 0; seq < 5000; seq += 2) ledger.recordOutput('d', seq);
    expect(ledger.counts()).toMatchObject({ inputEvents: 5000, outputEvents: 2500, lost: 2500, inputGaps: 0 });
  });
});

describe('intervalRow', () => {
  const t0 = Date.parse('2026-11-26T12:00:00Z');
  const sample = (
    seconds: number,
    inEnd: number,
    outEnd: number,
    lagRecords: number | null = 0,
    consumed: number | null = null,
  ) => ({
    at: t0 + seconds * 1000,
    inEnd,
    outEnd,
    lagRecords,
    consumed,
  });

  it('computes exact counts and rates over the actual interval', () => {
    const row = intervalRow({
      minute: 2,
      start: t0 + 60_000,
      end: t0 + 120_000,
      intervalSeconds: 60,
      targetPerSecond: 1000,
      from: sample(60, 60_000, 59_000),
      to: sample(120.5, 120_500, 117_975, 120),
      latencyMs: null,
      basis: 'output',
      lagSeconds: null,
    });
    expect(row).toMatchObject({
      minute: 2,
      gap: false,
      partial: false,
      inRecords: 60_500,
      outRecords: 58_975,
      lagRecords: 120,
    });
    expect(row.outRatePerSecond).toBeCloseTo(58_975 / 60.5, 9);
    expect(row.percentOfTarget).toBeCloseTo((58_975 / 60.5 / 1000) * 100, 9);
    expect(row.start).toBe('2026-11-26T12:01:00.000Z');
    expect(row.end).toBe('2026-11-26T12:02:00.500Z');
  });

  it('judges a job that is not one output per input by what its group consumed, output counted apart', () => {
    // An aggregating job: 60,000 events consumed, 2,000 window results written.
    const row = intervalRow({
      minute: 2,
      start: t0 + 60_000,
      end: t0 + 120_000,
      intervalSeconds: 60,
      targetPerSecond: 1000,
      from: sample(60, 60_000, 1_000, 0, 58_000),
      to: sample(120, 120_000, 3_000, 2_000, 118_000),
      latencyMs: null,
      basis: 'consumption',
      lagSeconds: 2,
    });
    expect(row).toMatchObject({
      outRecords: 2_000,
      outRatePerSecond: 2_000 / 60,
      consumedRecords: 60_000,
      consumedRatePerSecond: 1_000,
      throughputPerSecond: 1_000,
      percentOfTarget: 100,
      lagRecords: 2_000,
      lagSeconds: 2,
    });
    // Before the group's first commit nothing says what it consumed: no throughput, not zero.
    const early = intervalRow({
      minute: 1,
      start: t0,
      end: t0 + 60_000,
      intervalSeconds: 60,
      targetPerSecond: 1000,
      from: sample(0, 0, 0, null, null),
      to: sample(60, 60_000, 1_000, 2_000, 58_000),
      latencyMs: null,
      basis: 'consumption',
      lagSeconds: null,
    });
    expect(early).toMatchObject({ consumedRecords: null, throughputPerSecond: null, percentOfTarget: null });
  });

  it('shows a failed sample as a gap and labels a short last interval', () => {
    const gap = intervalRow({
      minute: 3,
      start: t0 + 120_000,
      end: t0 + 180_000,
      intervalSeconds: 60,
      targetPerSecond: 1000,
      from: sample(120, 1, 1),
      to: undefined,
      latencyMs: null,
      basis: 'output',
      lagSeconds: null,
    });
    expect(gap).toMatchObject({ gap: true, inRecords: null, outRecords: null, percentOfTarget: null });
    const partial = intervalRow({
      minute: 4,
      start: t0 + 180_000,
      end: t0 + 210_000,
      intervalSeconds: 60,
      targetPerSecond: 1000,
      from: sample(180, 0, 0),
      to: sample(210, 30_000, 30_000),
      latencyMs: null,
      basis: 'output',
      lagSeconds: null,
    });
    expect(partial).toMatchObject({ partial: true, gap: false, outRecords: 30_000, percentOfTarget: 100 });
  });
});
