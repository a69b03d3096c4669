/** TemplateEventFactory: the default workload against EventFactory, each generator, instances, padding. */
import { EventFactory, formatMicros, type TelemetryEvent } from '../../simulator/src/events.js';
import { share } from '../../simulator/src/options.js';
import { TemplateEventFactory, type TemplateEventFactoryOptions } from '../../simulator/src/template-events.js';
import { DEFAULT_WORKLOAD, parseWorkload, type Fields, type Workload } from '../../simulator/src/workload.js';
import { validate } from './schema.js';

const NOV_26_NOON_MICROS = Date.UTC(2026, 10, 26, 12, 0, 0) * 1000;

/** A seeded uniform [0, 1) source (mulberry32), so two factories can draw the same numbers. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function counterUuid(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}`;
}

function make(factory: { next(micros: number): { key: string; value: string; copies: 1 | 2 } }, count: number) {
  return Array.from({ length: count }, (_, i) => factory.next(NOV_26_NOON_MICROS + i * 1000 + (i % 1000)));
}

function workload(event: Fields, extra: Partial<Workload> = {}): Workload {
  return { topics: { input: 'in', output: 'out' }, key: Object.keys(event)[0]!, duplicates: 0, event, ...extra };
}

function values(
  event: Fields,
  count: number,
  options: TemplateEventFactoryOptions = {},
  extra: Partial<Workload> = {},
) {
  const factory = new TemplateEventFactory(workload(event, extra), options);
  return make(factory, count).map((e) => JSON.parse(e.value) as Record<string, unknown>);
}

/** The shape of a parsed value: keys in order and the JSON types of the leaves. */
function shape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value;
  return Object.entries(value).map(([k, v]) => [k, shape(v)]);
}

describe('the default workload against EventFactory', () => {
  test('with the same random and uuid sources, the same events, byte for byte', () => {
    const seed = 20261126;
    const reference = make(new EventFactory({ random: seeded(seed), uuid: counterUuid(), poolSize: 1024 }), 5000);
    const template = make(
      new TemplateEventFactory(DEFAULT_WORKLOAD, { random: seeded(seed), uuid: counterUuid(), poolSize: 1024 }),
      5000,
    );
    expect(template).toEqual(reference);
  });

  const events = make(new TemplateEventFactory(DEFAULT_WORKLOAD), 3000);
  const parsed = events.map((e) => JSON.parse(e.value) as TelemetryEvent);

  test('every event validates against simulator/event.schema.json', () => {
    expect(parsed.flatMap((event) => validate(event))).toEqual([]);
  });

  test('the same field order and types as EventFactory’s; key = deviceId; about 920 bytes', () => {
    const reference = make(new EventFactory(), 50).map((e) => shape(JSON.parse(e.value)));
    for (const event of parsed.slice(0, 50)) expect(shape(event)).toEqual(reference[0]);
    expect(new Set(reference.map((s) => JSON.stringify(s))).size).toBe(1);
    for (const [i, e] of events.entries()) expect(e.key).toBe(parsed[i]!.deviceId);
    const mean = events.reduce((sum, e) => sum + Buffer.byteLength(e.value), 0) / events.length;
    expect(mean).toBeGreaterThan(850);
    expect(mean).toBeLessThan(1000);
  });

  test('deviceId round robin over 1000 devices, each sequence gap-free from 0', () => {
    expect(parsed.slice(0, 1001).map((e) => e.deviceId)).toEqual([
      ...Array.from({ length: 1000 }, (_, i) => `contoso://device-id-${i}`),
      'contoso://device-id-0',
    ]);
    const perDevice = new Map<string, number[]>();
    for (const e of parsed) perDevice.set(e.deviceId, [...(perDevice.get(e.deviceId) ?? []), e.deviceSequenceNumber]);
    expect(perDevice.size).toBe(1000);
    for (const sequence of perDevice.values()) expect(sequence).toEqual([0, 1, 2]);
  });

  test('duplicates: every 1000th event is sent twice', () => {
    const copies = make(new TemplateEventFactory(DEFAULT_WORKLOAD), 10_500);
    expect(copies.flatMap((e, i) => (e.copies === 2 ? [i + 1] : []))).toEqual(
      Array.from({ length: 10 }, (_, i) => (i + 1) * 1000),
    );
  });

  test('values and types as the origin: uniform value, TEMP and CO2, unique eventIds, createdAt passed in', () => {
    expect(new Set(parsed.map((e) => e.eventId)).size).toBe(parsed.length);
    expect(parsed.filter((e) => e.type === 'TEMP').length).toBeGreaterThan(1300);
    expect(parsed.filter((e) => e.type === 'CO2').length).toBeGreaterThan(1300);
    expect(Math.min(...parsed.map((e) => e.value))).toBeLessThan(1);
    expect(Math.max(...parsed.map((e) => e.value))).toBeGreaterThan(99);
    expect(parsed[1]!.createdAt).toBe(formatMicros(NOV_26_NOON_MICROS + 1001));
  });
});

describe('generators', () => {
  test('sequence: global, and per pattern or choice value (even when that field comes after it)', () => {
    const event: Fields = {
      g: { sequence: {} },
      byId: { sequence: { per: 'id' } },
      byColour: { sequence: { per: 'colour' } },
      id: { pattern: { prefix: 'i', count: 3 } },
      colour: { choice: { values: ['red', 'blue'] } },
    };
    const out = values(event, 30);
    expect(out.map((e) => e.g)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const [field, by] of [
      ['byId', 'id'],
      ['byColour', 'colour'],
    ] as const) {
      const seen = new Map<unknown, number[]>();
      for (const e of out) seen.set(e[by], [...(seen.get(e[by]) ?? []), e[field] as number]);
      for (const sequence of seen.values()) expect(sequence).toEqual(sequence.map((_, i) => i));
    }
    expect(out.map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => `i${i % 3}`));
  });

  test('uuid: v4 from the uuid source (default crypto.randomUUID)', () => {
    expect(values({ u: { uuid: {} } }, 2, { uuid: counterUuid() }).map((e) => e.u)).toEqual([
      '00000000-0000-4000-8000-000000000000',
      '00000000-0000-4000-8000-000000000001',
    ]);
    const random = values({ u: { uuid: {} } }, 100).map((e) => e.u as string);
    expect(random.every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u))).toBe(
      true,
    );
    expect(new Set(random).size).toBe(100);
  });

  test('timestamp: the createdAt passed in, as formatMicros writes it', () => {
    const factory = new TemplateEventFactory(workload({ at: { timestamp: {} } }));
    expect(JSON.parse(factory.next(NOV_26_NOON_MICROS + 45_006).value)).toEqual({ at: '2026-11-26T12:00:00.045006Z' });
    expect(factory.next(NOV_26_NOON_MICROS + 7).key).toBe('2026-11-26T12:00:00.000007Z');
  });

  test('number: uniform in [min, max), doubles or integers, fresh or pooled', () => {
    const event: Fields = {
      d: { number: { min: -5, max: 5 } },
      i: { number: { min: 10, max: 13, integer: true } },
      p: { number: { min: 100, max: 200, pooled: true } },
      pi: { number: { min: 0, max: 2, integer: true, pooled: true } },
    };
    const out = values(event, 4000, { poolSize: 256 });
    const of = (f: string) => out.map((e) => e[f] as number);
    expect(Math.min(...of('d'))).toBeGreaterThanOrEqual(-5);
    expect(Math.max(...of('d'))).toBeLessThan(5);
    expect(Math.min(...of('d'))).toBeLessThan(-4.9);
    expect(Math.max(...of('d'))).toBeGreaterThan(4.9);
    expect(of('d').some((v) => !Number.isInteger(v))).toBe(true);
    expect(new Set(of('i'))).toEqual(new Set([10, 11, 12]));
    expect(of('p').every((v) => v >= 100 && v < 200)).toBe(true);
    expect(new Set(of('p')).size).toBeGreaterThan(256); // the pool is refreshed, one entry per event
    expect(new Set(of('pi'))).toEqual(new Set([0, 1]));
    const mean = of('d').reduce((a, b) => a + b, 0) / out.length;
    expect(Math.abs(mean)).toBeLessThan(0.3);
  });

  test('number: with a fixed random source, exactly min + r * (max - min)', () => {
    const out = values({ a: { number: { min: 10, max: 20 } }, b: { number: { min: 0, max: 8, integer: true } } }, 1, {
      random: () => 0.25,
    });
    expect(out[0]).toEqual({ a: 12.5, b: 2 });
  });

  test('choice: uniform, or by weights; strings and numbers; a weight 0 never chosen', () => {
    const uniform = values({ c: { choice: { values: ['a', 'b', 3] } } }, 3000).map((e) => e.c);
    for (const v of ['a', 'b', 3]) expect(uniform.filter((u) => u === v).length).toBeGreaterThan(850);
    const weighted = values({ c: { choice: { values: ['x', 'y', 'z'], weights: [3, 0, 1] } } }, 4000).map((e) => e.c);
    expect(weighted.filter((w) => w === 'y')).toHaveLength(0);
    const x = weighted.filter((w) => w === 'x').length;
    expect(x / 4000).toBeGreaterThan(0.7);
    expect(x / 4000).toBeLessThan(0.8);
    const lastHeavy = values({ c: { choice: { values: ['p', 'q'], weights: [0, 1] } } }, 50).map((e) => e.c);
    expect(new Set(lastHeavy)).toEqual(new Set(['q']));
  });

  test('fixed: any JSON value, the same in every event', () => {
    const fixed = { s: 'text "quoted" ü', n: 1.5, b: false, z: null, list: [1, 'two', { three: 3 }], o: { a: {} } };
    const out = values({ id: { sequence: {} }, f: { fixed }, g: { fixed: 'plain' } }, 2);
    expect(out).toEqual([
      { id: 0, f: fixed, g: 'plain' },
      { id: 1, f: fixed, g: 'plain' },
    ]);
  });

  test('pattern: prefix + n round robin from `from`, JSON-escaped where needed; the key is the raw id', () => {
    const factory = new TemplateEventFactory(workload({ id: { pattern: { prefix: 'dev "q"/', from: 7, count: 3 } } }));
    const out = make(factory, 4);
    expect(out.map((e) => e.key)).toEqual(['dev "q"/7', 'dev "q"/8', 'dev "q"/9', 'dev "q"/7']);
    expect(out.map((e) => (JSON.parse(e.value) as { id: string }).id)).toEqual(out.map((e) => e.key));
  });

  test('pattern: a range too big to pre-format is formatted per event', () => {
    const out = values({ id: { pattern: { prefix: 'u', count: 3_000_000 } } }, 3);
    expect(out.map((e) => e.id)).toEqual(['u0', 'u1', 'u2']);
  });

  test('object and repeat: nested, in order; repeats of numbers and of other generators; count 0', () => {
    const event: Fields = {
      id: { sequence: {} },
      outer: {
        object: {
          first: { fixed: 1 },
          nums: { repeat: { count: 3, name: 'n{i}', generator: { number: { min: 0, max: 1, pooled: true } } } },
          inner: { object: { seqs: { repeat: { count: 2, name: 's{i}x', generator: { sequence: {} } } } } },
          none: { repeat: { count: 0, name: 'z{i}', generator: { uuid: {} } } },
          last: { fixed: 'end' },
        },
      },
      tail: { repeat: { count: 2, name: 't{i}', generator: { object: { c: { choice: { values: ['k'] } } } } } },
    };
    const out = values(event, 2);
    expect(shape(out[1])).toEqual([
      ['id', 'number'],
      [
        'outer',
        [
          ['first', 'number'],
          ['n0', 'number'],
          ['n1', 'number'],
          ['n2', 'number'],
          [
            'inner',
            [
              ['s0x', 'number'],
              ['s1x', 'number'],
            ],
          ],
          ['last', 'string'],
        ],
      ],
      ['t0', [['c', 'string']]],
      ['t1', [['c', 'string']]],
    ]);
    // Each repeated field has its own state: each sequence counts on its own.
    expect((out[1]!.outer as { inner: unknown }).inner).toEqual({ s0x: 1, s1x: 1 });
    const onlyRepeat = values(
      { k: { fixed: 'x' }, r: { repeat: { count: 2, name: 'f{i}', generator: { fixed: 0 } } } },
      1,
    );
    expect(onlyRepeat[0]).toEqual({ k: 'x', f0: 0, f1: 0 });
    expect(
      values(
        { k: { fixed: 'x' }, o: { object: { r: { repeat: { count: 0, name: 'a{i}', generator: { uuid: {} } } } } } },
        1,
      )[0],
    ).toEqual({ k: 'x', o: {} });
  });

  test('key: any single-value field, as its raw text', () => {
    const key = (event: Fields, name: string) =>
      new TemplateEventFactory(workload(event, { key: name }), { random: () => 0.5, uuid: () => 'U' }).next(
        NOV_26_NOON_MICROS,
      ).key;
    expect(key({ a: { fixed: 1 }, k: { choice: { values: [1, 2] } } }, 'k')).toBe('2');
    expect(key({ k: { uuid: {} } }, 'k')).toBe('U');
    expect(key({ k: { number: { min: 0, max: 10, integer: true } } }, 'k')).toBe('5');
    expect(key({ k: { sequence: {} } }, 'k')).toBe('0');
    expect(key({ k: { fixed: 'same' } }, 'k')).toBe('same');
    expect(key({ k: { fixed: { a: 1 } } }, 'k')).toBe('{"a":1}');
  });

  test('duplicates: the fraction as every round(1/f)-th event; 0 never; duplicateEvery overrides', () => {
    const event: Fields = { id: { sequence: {} } };
    const every = (extra: Partial<Workload>, options: TemplateEventFactoryOptions = {}) =>
      make(new TemplateEventFactory(workload(event, extra), options), 100).flatMap((e, i) =>
        e.copies === 2 ? [i + 1] : [],
      );
    expect(every({ duplicates: 0.1 })).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(every({ duplicates: 0.03 })).toEqual([33, 66, 99]); // round(33.3)
    expect(every({ duplicates: 0.5 })).toHaveLength(50);
    expect(every({ duplicates: 0 })).toEqual([]);
    expect(every({ duplicates: 0.1 }, { duplicateEvery: 0 })).toEqual([]);
    expect(new TemplateEventFactory(DEFAULT_WORKLOAD).duplicateEvery).toBe(1000);
  });
});

describe('instances', () => {
  test("each instance takes its share of every pattern's range, as resolveOptions splits devices", () => {
    for (const [count, instances] of [
      [1000, 3],
      [10, 10],
      [7, 4],
      [1, 1],
    ] as const) {
      const seen = new Set<string>();
      for (let index = 0; index < instances; index++) {
        const factory = new TemplateEventFactory(DEFAULT_WORKLOAD, { instanceIndex: index, instanceCount: instances });
        const [start, end] = share(1000, index, instances);
        const keys = make(factory, (end - start) * 2).map((e) => e.key);
        expect(keys.slice(0, end - start)).toEqual(
          Array.from({ length: end - start }, (_, i) => `contoso://device-id-${start + i}`),
        );
        for (const key of new Set(keys)) {
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
        const small = new TemplateEventFactory(workload({ id: { pattern: { prefix: 'p', from: 100, count } } }), {
          instanceIndex: index,
          instanceCount: instances,
        });
        const [a, b] = share(count, index, instances);
        expect(make(small, b - a).map((e) => e.key)).toEqual(
          Array.from({ length: b - a }, (_, i) => `p${100 + a + i}`),
        );
      }
      expect(seen.size).toBe(1000);
    }
  });

  test('the same devices in one instance and split over several: same sequences per device', () => {
    const one = make(new TemplateEventFactory(DEFAULT_WORKLOAD), 3000).map(
      (e) => JSON.parse(e.value) as TelemetryEvent,
    );
    const split = [0, 1, 2].flatMap((index) =>
      make(new TemplateEventFactory(DEFAULT_WORKLOAD, { instanceIndex: index, instanceCount: 3 }), 1000).map(
        (e) => JSON.parse(e.value) as TelemetryEvent,
      ),
    );
    const pairs = (events: TelemetryEvent[]) => events.map((e) => `${e.deviceId}#${e.deviceSequenceNumber}`).sort();
    expect(pairs(split.filter((e) => e.deviceSequenceNumber < 2))).toEqual(
      pairs(one.filter((e) => e.deviceSequenceNumber < 2)),
    );
  });

  test('a pattern with fewer ids than instances, and bad instance options, are refused', () => {
    expect(
      () =>
        new TemplateEventFactory(workload({ id: { pattern: { prefix: 'p', count: 2 } } }), {
          instanceIndex: 0,
          instanceCount: 3,
        }),
    ).toThrow('workload: /event/id/pattern has count 2, fewer than the 3 simulator instances');
    expect(() => new TemplateEventFactory(DEFAULT_WORKLOAD, { instanceIndex: 3, instanceCount: 3 })).toThrow(
      RangeError,
    );
    expect(() => new TemplateEventFactory(DEFAULT_WORKLOAD, { instanceCount: 0 })).toThrow(RangeError);
    expect(() => new TemplateEventFactory(DEFAULT_WORKLOAD, { poolSize: 1000 })).toThrow(RangeError);
  });
});

describe('padding', () => {
  test('brings every event to the size (ASCII), wherever it is placed', () => {
    for (const toBytes of [300, 1024, 4096]) {
      const event: Fields = {
        id: { pattern: { prefix: 'device-', count: 50 } },
        n: { sequence: { per: 'id' } },
        pad: { padding: { toBytes } },
        v: { number: { min: 0, max: 1e6 } },
        o: {
          object: {
            at: { timestamp: {} },
            more: { repeat: { count: 5, name: 'm{i}', generator: { number: { min: 0, max: 1 } } } },
          },
        },
      };
      const events = make(new TemplateEventFactory(workload(event)), 500);
      for (const e of events) {
        expect(Buffer.byteLength(e.value)).toBe(toBytes);
        expect((JSON.parse(e.value) as { pad: string }).pad).toMatch(/^[A-Za-z0-9]*$/);
      }
    }
  });

  test('counts bytes, not characters, when the event has non-ASCII text', () => {
    const event: Fields = {
      city: { choice: { values: ['Zürich', 'Köln', '東京'] } },
      note: { fixed: 'naïve' },
      pad: { padding: { toBytes: 300 } },
    };
    for (const e of make(new TemplateEventFactory(workload(event)), 100)) expect(Buffer.byteLength(e.value)).toBe(300);
  });

  test('the default workload padded to 2 KB stays valid JSON of that size; no padding when the rest is longer', () => {
    const padded = parseWorkload(
      JSON.stringify({
        ...DEFAULT_WORKLOAD,
        event: { ...DEFAULT_WORKLOAD.event, padding: { padding: { toBytes: 2048 } } },
      }),
      'padded.json',
    );
    for (const e of make(new TemplateEventFactory(padded), 200)) expect(Buffer.byteLength(e.value)).toBe(2048);
    const short = make(new TemplateEventFactory(workload({ id: { uuid: {} }, pad: { padding: { toBytes: 10 } } })), 1);
    expect(JSON.parse(short[0]!.value)).toEqual({ id: expect.any(String), pad: '' });
  });
});
