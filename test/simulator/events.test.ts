/** The event factory: shape (against simulator/event.schema.json), duplicates, sequences, devices. */
import { EventFactory, formatMicros, sendTimestamp, type TelemetryEvent } from '../../simulator/src/events.js';
import { resolveOptions, share } from '../../simulator/src/options.js';
import { EVENT_SCHEMA, validate } from './schema.js';

const NOV_26_NOON_MS = Date.UTC(2026, 10, 26, 12, 0, 0);

function make(factory: EventFactory, count: number, startMicros = NOV_26_NOON_MS * 1000) {
  return Array.from({ length: count }, (_, i) => factory.next(startMicros + i * 1000));
}

describe('event shape', () => {
  const events = make(new EventFactory(), 3000);
  const parsed = events.map((e) => JSON.parse(e.value.toString()) as TelemetryEvent);

  test('every event validates against the schema written from the design doc', () => {
    expect(EVENT_SCHEMA.required).toEqual([
      'eventId',
      'complexData',
      'value',
      'deviceId',
      'deviceSequenceNumber',
      'type',
      'createdAt',
    ]);
    const problems = parsed.flatMap((event) => validate(event));
    expect(problems).toEqual([]);
  });

  test('the checker rejects what the schema forbids', () => {
    const good = parsed[0]!;
    expect(validate({ ...good, eventId: 'b81d241f-5187-30b0-ab2a-940faf9757c0' })).toHaveLength(1); // not v4
    expect(validate({ ...good, createdAt: '2026-11-26T12:00:00.000Z' })).toHaveLength(1); // no microseconds
    expect(validate({ ...good, type: 'HUMIDITY' })).toHaveLength(1);
    expect(validate({ ...good, extra: 1 })).toHaveLength(1);
    expect(validate({ ...good, complexData: { ...good.complexData, other: 1 } })).toHaveLength(1);
    const missing: Partial<TelemetryEvent> = { ...good };
    delete missing.value;
    expect(validate(missing)).toEqual(["$: missing 'value'"]);
  });

  test('the fields, in the origin order, with 23 moreData doubles; key = deviceId; about 1 KB', () => {
    const event = parsed[0]!;
    expect(Object.keys(event)).toEqual([
      'eventId',
      'complexData',
      'value',
      'deviceId',
      'deviceSequenceNumber',
      'type',
      'createdAt',
    ]);
    expect(Object.keys(event.complexData)).toEqual(Array.from({ length: 23 }, (_, i) => `moreData${i}`));
    for (const [i, e] of events.entries()) expect(e.key).toBe(parsed[i]!.deviceId);
    const sizes = events.map((e) => Buffer.byteLength(e.value));
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(850);
    expect(mean).toBeLessThan(1150);
  });

  test('eventIds are unique UUID v4; both types occur; values make the complex job tags fire', () => {
    expect(new Set(parsed.map((e) => e.eventId)).size).toBe(parsed.length);
    const temp = parsed.filter((e) => e.type === 'TEMP');
    const co2 = parsed.filter((e) => e.type === 'CO2');
    expect(temp.length).toBeGreaterThan(1200);
    expect(co2.length).toBeGreaterThan(1200);
    expect(temp.some((e) => e.value >= 70 && e.value < 80)).toBe(true); // TEMP in the 70s
    expect(co2.some((e) => e.value >= 90)).toBe(true); // high CO2
    expect(Math.min(...parsed.map((e) => e.value))).toBeLessThan(5);
  });

  test('moreDataFields sets the complexData size', () => {
    const small = JSON.parse(new EventFactory({ moreDataFields: 2 }).next(0).value.toString()) as TelemetryEvent;
    expect(Object.keys(small.complexData)).toEqual(['moreData0', 'moreData1']);
    const none = JSON.parse(new EventFactory({ moreDataFields: 0 }).next(0).value.toString()) as TelemetryEvent;
    expect(none.complexData).toEqual({});
  });

  test('with injected random and uuid the factory is deterministic', () => {
    const options = { random: () => 0.25, uuid: () => '00000000-0000-4000-8000-000000000000', moreDataFields: 1 };
    const a = new EventFactory(options).next(NOV_26_NOON_MS * 1000 + 123);
    expect(a.value.toString()).toBe(
      '{"eventId":"00000000-0000-4000-8000-000000000000","complexData":{"moreData0":25},"value":25,' +
        '"deviceId":"contoso://device-id-0","deviceSequenceNumber":0,"type":"TEMP","createdAt":"2026-11-26T12:00:00.000123Z"}',
    );
    expect(a.key).toBe('contoso://device-id-0');
  });
});

test('events written into shared chunks stay intact after later events (chunk rollover)', () => {
  const factory = new EventFactory();
  const events = make(factory, 2000); // ~1.8 MB: several 256 KB chunks
  const texts = events.map((e) => e.value.toString());
  make(factory, 2000);
  expect(events.map((e) => e.value.toString())).toEqual(texts);
  for (const text of texts) expect(validate(JSON.parse(text))).toEqual([]);
});

test('the actual send time as a Kafka timestamp: whole ms, rounded up so never before the intended time', () => {
  const intendedMs = NOV_26_NOON_MS + 0.25; // a slot's time, with microseconds
  expect(sendTimestamp(intendedMs)).toBe(String(NOV_26_NOON_MS + 1));
  expect(Number(sendTimestamp(intendedMs))).toBeGreaterThanOrEqual(intendedMs);
  expect(sendTimestamp(NOV_26_NOON_MS)).toBe(String(NOV_26_NOON_MS)); // already whole: unchanged
});

describe('createdAt', () => {
  test('ISO-8601 UTC with microseconds, from microseconds since the epoch', () => {
    const base = NOV_26_NOON_MS * 1000;
    expect(formatMicros(base)).toBe('2026-11-26T12:00:00.000000Z');
    expect(formatMicros(base + 123)).toBe('2026-11-26T12:00:00.000123Z');
    expect(formatMicros(base + 45_006)).toBe('2026-11-26T12:00:00.045006Z');
    expect(formatMicros(base + 59_999_999)).toBe('2026-11-26T12:00:59.999999Z');
    expect(formatMicros(base + 60_000_000)).toBe('2026-11-26T12:01:00.000000Z');
    expect(formatMicros(base - 1)).toBe('2026-11-26T11:59:59.999999Z');
  });

  test('is the time passed in (the schedule slot), round-tripping to the microsecond', () => {
    const factory = new EventFactory();
    const micros = NOV_26_NOON_MS * 1000 + 987_654;
    const event = JSON.parse(factory.next(micros).value.toString()) as TelemetryEvent;
    const [, fraction] = /\.(\d{6})Z$/.exec(event.createdAt)!;
    expect(Date.parse(event.createdAt) * 1000 + (Number(fraction) % 1000)).toBe(micros);
  });
});

describe('duplicates', () => {
  test('exactly every Nth original event is marked to be sent twice', () => {
    const events = make(new EventFactory({ duplicateEvery: 1000 }), 10_500);
    const ordinals = events.flatMap((e, i) => (e.copies === 2 ? [i + 1] : []));
    expect(ordinals).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
  });

  test('other ratios, and 0 = never', () => {
    expect(make(new EventFactory({ duplicateEvery: 7 }), 70).filter((e) => e.copies === 2)).toHaveLength(10);
    expect(make(new EventFactory({ duplicateEvery: 0 }), 5000).every((e) => e.copies === 1)).toBe(true);
  });
});

describe('devices and sequences', () => {
  test("each device's deviceSequenceNumber counts 0, 1, 2, ... without gaps, devices round-robin", () => {
    const factory = new EventFactory({ deviceStart: 20, deviceCount: 7, duplicateEvery: 5 });
    const parsed = make(factory, 7 * 50 + 3).map((e) => JSON.parse(e.value.toString()) as TelemetryEvent);
    const perDevice = new Map<string, number[]>();
    for (const e of parsed) perDevice.set(e.deviceId, [...(perDevice.get(e.deviceId) ?? []), e.deviceSequenceNumber]);
    expect([...perDevice.keys()].sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `contoso://device-id-${20 + i}`).sort(),
    );
    for (const [device, sequence] of perDevice) {
      const length = ['-20', '-21', '-22'].some((n) => device.endsWith(n)) ? 51 : 50; // 353 events over 7 devices
      expect(sequence).toEqual(Array.from({ length }, (_, i) => i));
    }
  });

  test('instances get disjoint device ranges that cover all devices, and shares of rate and maxEvents', () => {
    for (const [devices, count] of [
      [1000, 1],
      [1000, 3],
      [1000, 5],
      [10, 10],
      [7, 4],
    ] as const) {
      const seen = new Set<string>();
      let rate = 0;
      let maxEvents = 0;
      for (let index = 0; index < count; index++) {
        const o = resolveOptions({
          brokers: ['127.0.0.1:9092'],
          eventsPerSecond: 10_000,
          devices,
          instanceIndex: index,
          instanceCount: count,
          maxEvents: 120_001,
        });
        rate += o.eventsPerSecond;
        maxEvents += o.maxEvents!;
        const factory = new EventFactory({ deviceStart: o.deviceStart, deviceCount: o.deviceCount });
        const keys = new Set(make(factory, o.deviceCount * 3).map((e) => e.key));
        expect(keys.size).toBe(o.deviceCount);
        for (const key of keys) {
          expect(seen.has(key)).toBe(false); // no other instance sends for this device
          seen.add(key);
        }
      }
      expect(seen.size).toBe(devices);
      expect(rate).toBeCloseTo(10_000, 6);
      expect(maxEvents).toBe(120_001);
    }
  });

  test('share splits integers exactly', () => {
    expect([0, 1, 2].map((i) => share(1000, i, 3))).toEqual([
      [0, 333],
      [333, 666],
      [666, 1000],
    ]);
  });
});
