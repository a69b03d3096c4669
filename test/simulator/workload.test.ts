/** The workload file: schema, error messages (file + JSON pointer + what is allowed), defaults, the IoT default. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import {
  DEFAULT_WORKLOAD,
  parseWorkload,
  WORKLOAD_SCHEMA,
  WorkloadError,
  type Workload,
} from '../../simulator/src/workload.js';
import { REPO_ROOT } from '../helpers/processes.js';

const IOT_YAML = readFileSync(path.join(REPO_ROOT, 'simulator', 'workloads', 'iot.yaml'), 'utf8');

/** A minimal valid workload (JSON) with `change` applied to it. */
function json(change: (w: Record<string, unknown>) => void = () => {}): string {
  const w: Record<string, unknown> = {
    key: 'id',
    event: { id: { pattern: { prefix: 'id-', count: 10 } }, n: { sequence: { per: 'id' } } },
  };
  change(w);
  return JSON.stringify(w);
}

function errorOf(text: string, fileName = 'workload.json'): string {
  try {
    parseWorkload(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect(error).toBeInstanceOf(WorkloadError);
    return (error as Error).message;
  }
  throw new Error('parsed without an error');
}

const event = (w: Record<string, unknown>) => w.event as Record<string, unknown>;

describe('the default workload', () => {
  test('simulator/workloads/iot.yaml is DEFAULT_WORKLOAD', () => {
    expect(parseWorkload(IOT_YAML, 'iot.yaml')).toEqual(DEFAULT_WORKLOAD);
  });

  test('DEFAULT_WORKLOAD is frozen (copy it to change it)', () => {
    expect(Object.isFrozen(DEFAULT_WORKLOAD)).toBe(true);
    expect(Object.isFrozen(DEFAULT_WORKLOAD.event.deviceId)).toBe(true);
  });

  test('DEFAULT_WORKLOAD passes its own checks (as JSON too)', () => {
    expect(parseWorkload(JSON.stringify(DEFAULT_WORKLOAD), 'iot.json')).toEqual(DEFAULT_WORKLOAD);
  });
});

describe('parsing', () => {
  test('defaults: topics in/out, duplicates 0.001, no rate', () => {
    const w = parseWorkload(json(), 'w.json');
    expect(w).toEqual<Workload>({
      topics: { input: 'in', output: 'out' },
      key: 'id',
      duplicates: 0.001,
      event: { id: { pattern: { prefix: 'id-', count: 10 } }, n: { sequence: { per: 'id' } } },
    });
    expect('rate' in w).toBe(false);
  });

  test('everything given, in YAML; field order kept', () => {
    const w = parseWorkload(
      [
        'topics: { input: orders, output: orders-out, partitions: 12 }',
        'rate: { eventsPerSecond: 2500 }',
        'key: customer',
        'duplicates: 0',
        'event:',
        '  zeta: { uuid: {} }',
        '  customer: { pattern: { prefix: "c-", from: 5, count: 3 } }',
        '  alpha: { fixed: { nested: [1, "two", null, true] } }',
        '  total: { number: { min: 1, max: 500, integer: true } }',
        '  status: { choice: { values: [new, paid, 3], weights: [1, 2, 0.5] } }',
        '  at: { timestamp: {} }',
        '  pad: { padding: { toBytes: 512 } }',
      ].join('\n'),
      'orders.yaml',
    );
    expect(w.topics).toEqual({ input: 'orders', output: 'orders-out', partitions: 12 });
    expect(w.rate).toEqual({ eventsPerSecond: 2500 });
    expect(w.duplicates).toBe(0);
    expect(Object.keys(w.event)).toEqual(['zeta', 'customer', 'alpha', 'total', 'status', 'at', 'pad']);
  });

  test('rate as a tier: "1", "5", "10", numbers read as those strings', () => {
    for (const tier of ['1', '5', '10', 1, 5, 10]) {
      expect(
        parseWorkload(
          json((w) => (w.rate = { tier })),
          'w.json',
        ).rate,
      ).toEqual({ tier: String(tier) });
    }
    const yaml = 'rate:\n  tier: 5\nkey: id\nevent:\n  id: { pattern: { prefix: "id-", count: 10 } }\n';
    expect(parseWorkload(yaml, 'w.yaml').rate).toEqual({ tier: '5' });
  });

  test('a $schema property is allowed (for editors)', () => {
    expect(() =>
      parseWorkload(
        json((w) => (w.$schema = './workload.schema.json')),
        'w.json',
      ),
    ).not.toThrow();
  });
});

describe('schema errors name the file, the JSON pointer and what is allowed', () => {
  test.each<[string, (w: Record<string, unknown>) => void, string]>([
    [
      'a number that is not one',
      (w) => (event(w).value = { number: { min: 'low', max: 1 } }),
      'workload.json: /event/value/number/min must be a number',
    ],
    ['a missing key', (w) => delete w.key, "workload.json: / must have 'key' (The name of a top-level field"],
    [
      'an unknown generator',
      (w) => (event(w).value = { numbr: { min: 0, max: 1 } }),
      'workload.json: /event/value/numbr is not allowed here: allowed are sequence, uuid, timestamp, number, choice, fixed, pattern, padding, object, repeat',
    ],
    [
      'two generators for one field',
      (w) => (event(w).value = { uuid: {}, timestamp: {} }),
      'workload.json: /event/value must have exactly one of: sequence, uuid',
    ],
    ['an empty generator', (w) => (event(w).value = {}), 'workload.json: /event/value must have exactly one of:'],
    [
      'an unknown top-level property',
      (w) => (w.devices = 5),
      'workload.json: /devices is not allowed here: allowed are $schema, topics, rate, key, duplicates, event',
    ],
    [
      'an unknown option of a generator',
      (w) => (event(w).id = { pattern: { prefix: 'x', count: 1, step: 2 } }),
      'workload.json: /event/id/pattern/step is not allowed here: allowed are prefix, from, count',
    ],
    [
      'a missing option',
      (w) => (event(w).value = { number: { min: 0 } }),
      "workload.json: /event/value/number must have 'max'",
    ],
    ['duplicates above 0.5', (w) => (w.duplicates = 0.6), 'workload.json: /duplicates must be <= 0.5'],
    ['a negative duplicates', (w) => (w.duplicates = -1), 'workload.json: /duplicates must be >= 0'],
    ['a fractional rate', (w) => (w.rate = { eventsPerSecond: 1.5 }), '/rate/eventsPerSecond must be an integer'],
    ['rate 0', (w) => (w.rate = { eventsPerSecond: 0 }), '/rate/eventsPerSecond must be >= 1'],
    [
      'both rate forms',
      (w) => (w.rate = { eventsPerSecond: 10, tier: '1' }),
      '/rate must have exactly one of: eventsPerSecond, tier',
    ],
    ['an unknown tier', (w) => (w.rate = { tier: '2' }), '/rate/tier must be one of "1", "5", "10", 1, 5, 10'],
    ['partitions 0', (w) => (w.topics = { partitions: 0 }), '/topics/partitions must be >= 1'],
    [
      'a bad topic name',
      (w) => (w.topics = { input: 'a topic' }),
      '/topics/input must match ^[A-Za-z0-9._-]{1,249}$ (The topic the simulator sends to',
    ],
    ['an empty event', (w) => (w.event = {}), 'workload.json: /event must have at least 1 field'],
    ['an event that is a list', (w) => (w.event = []), '/event must be an object'],
    [
      'a repeat name without {i}',
      (w) => (event(w).more = { repeat: { count: 2, name: 'more', generator: { uuid: {} } } }),
      '/event/more/repeat/name must match \\{i\\}',
    ],
    [
      'a repeat inside a repeat',
      (w) =>
        (event(w).more = {
          repeat: {
            count: 2,
            name: 'm{i}',
            generator: { repeat: { count: 1, name: 'x{i}', generator: { uuid: {} } } },
          },
        }),
      '/event/more/repeat/generator/repeat is not allowed here',
    ],
    [
      'a nested object with a bad generator',
      (w) => (event(w).o = { object: { inner: { object: { deep: { choice: { values: [] } } } } } }),
      '/event/o/object/inner/object/deep/choice/values must have at least 1 item',
    ],
    [
      'a choice of objects',
      (w) => (event(w).c = { choice: { values: [{ a: 1 }] } }),
      '/event/c/choice/values/0 must be a string or a number',
    ],
    ['a uuid with options', (w) => (event(w).u = { uuid: { version: 4 } }), '/event/u/uuid/version is not allowed'],
    [
      'a uuid as null (YAML "uuid:")',
      (w) => (event(w).u = { uuid: null }),
      '/event/u/uuid must be {} (it has no options)',
    ],
    [
      'a value instead of a generator',
      (w) => (event(w).v = 5),
      'workload.json: /event/v must be a generator: an object with exactly one of sequence, uuid, timestamp, number, choice, fixed, pattern, padding, object, repeat',
    ],
    [
      'a list instead of an object',
      (w) => (event(w).o = { object: [] }),
      '/event/o/object must be an object (An ordered object of field name -> generator',
    ],
    ['topics as a string', (w) => (w.topics = 'in'), '/topics must be an object with input, output, partitions'],
    [
      'a name with a slash, escaped in the pointer',
      (w) => (event(w)['a/b~c'] = { number: { min: 0, max: '1' } }),
      '/event/a~1b~0c/number/max must be a number',
    ],
  ])('%s', (_what, change, message) => {
    expect(errorOf(json(change))).toContain(message);
  });

  test('YAML and JSON syntax errors name the file and the place', () => {
    expect(errorOf('key: a\nkey: b\n', 'w.yaml')).toMatch(
      /^w\.yaml: \/ is not valid YAML: Map keys must be unique \(line 2, column 1\)$/,
    );
    expect(errorOf('event: [\n', 'w.yml')).toMatch(/^w\.yml: \/ is not valid YAML: .+\(line \d+, column \d+\)$/);
    expect(errorOf('{"key": ', 'w.json')).toMatch(/^w\.json: \/ is not valid JSON: /);
    expect(errorOf('', 'w.yaml')).toBe('w.yaml: / is empty: a workload is an object');
    expect(errorOf('just text', 'w.yaml')).toBe(
      'w.yaml: / must be an object with $schema, topics, rate, key, duplicates, event',
    );
  });
});

describe('checks the schema cannot express', () => {
  test.each<[string, (w: Record<string, unknown>) => void, string]>([
    [
      'a key naming no field',
      (w) => (w.key = 'ID'),
      'workload.json: /key names no top-level field of the event: "ID" (fields: id, n)',
    ],
    [
      'a key naming a nested field',
      (w) => {
        w.key = 'inner';
        event(w).o = { object: { inner: { uuid: {} } } };
      },
      '/key names no top-level field of the event: "inner"',
    ],
    [
      'a key naming a repeat label',
      (w) => {
        w.key = 'more';
        event(w).more = { repeat: { count: 2, name: 'm{i}', generator: { uuid: {} } } };
      },
      '/key names no top-level field',
    ],
    [
      'a key naming an object',
      (w) => {
        w.key = 'o';
        event(w).o = { object: { a: { uuid: {} } } };
      },
      "/key names field 'o', made by object: the key must be a single value",
    ],
    [
      'a sequence per a missing field',
      (w) => (event(w).n = { sequence: { per: 'device' } }),
      'workload.json: /event/n/sequence/per names no top-level field of the event: "device" (pattern or choice fields: id)',
    ],
    [
      'a sequence per a uuid',
      (w) => {
        event(w).u = { uuid: {} };
        event(w).n = { sequence: { per: 'u' } };
      },
      "/event/n/sequence/per names field 'u', made by uuid: a per-value sequence needs a top-level pattern or choice field (here: id)",
    ],
    [
      'min not below max',
      (w) => (event(w).v = { number: { min: 5, max: 5 } }),
      '/event/v/number/max must be greater than min (5): numbers are drawn from [min, max)',
    ],
    [
      'integer with a fractional bound',
      (w) => (event(w).v = { number: { min: 0.5, max: 5, integer: true } }),
      '/event/v/number/min must be an integer when integer is true',
    ],
    [
      'weights not one per value',
      (w) => (event(w).c = { choice: { values: ['a', 'b'], weights: [1] } }),
      '/event/c/choice/weights must have one weight per value: 1 weights for 2 values',
    ],
    [
      'all weights 0',
      (w) => (event(w).c = { choice: { values: ['a', 'b'], weights: [0, 0] } }),
      '/event/c/choice/weights must have at least one weight above 0',
    ],
    [
      'a negative weight (schema)',
      (w) => (event(w).c = { choice: { values: ['a'], weights: [-1] } }),
      '/event/c/choice/weights/0 must be >= 0',
    ],
    [
      'two paddings',
      (w) => {
        event(w).p = { padding: { toBytes: 100 } };
        event(w).o = { object: { q: { padding: { toBytes: 100 } } } };
      },
      '/event/o/object/q/padding is the second padding of the event',
    ],
    [
      'a repeated padding',
      (w) => (event(w).r = { repeat: { count: 2, name: 'p{i}', generator: { padding: { toBytes: 9 } } } }),
      '/event/r/repeat/generator/padding cannot be repeated',
    ],
    [
      'a repeat making a name an earlier field has',
      (w) => {
        event(w).m1 = { uuid: {} };
        event(w).more = { repeat: { count: 3, name: 'm{i}', generator: { uuid: {} } } };
      },
      "workload.json: /event/more/repeat makes field 'm1', which /event/m1 makes already: field names must be unique",
    ],
    [
      'a repeat clashing with a later field',
      (w) => {
        event(w).more = { repeat: { count: 3, name: 'm{i}', generator: { uuid: {} } } };
        event(w).m2 = { uuid: {} };
      },
      "workload.json: /event/m2 makes field 'm2', which /event/more/repeat makes already: field names must be unique",
    ],
    [
      'an integer-like field name',
      (w) => (event(w)['7'] = { uuid: {} }),
      '/event/7 is a field name that is a non-negative integer: not supported',
    ],
  ])('%s', (_what, change, message) => {
    expect(errorOf(json(change))).toContain(message);
  });

  test('a repeat whose names do not clash passes; count 0 is allowed', () => {
    expect(() =>
      parseWorkload(
        json((w) => {
          event(w).more = { repeat: { count: 3, name: 'm{i}', generator: { number: { min: 0, max: 1 } } } };
          event(w).none = { repeat: { count: 0, name: 'x{i}', generator: { uuid: {} } } };
        }),
        'w.json',
      ),
    ).not.toThrow();
  });
});

describe('the schema file', () => {
  type Node = Record<string, unknown>;
  const defs = WORKLOAD_SCHEMA.$defs as Record<string, Node>;
  const nodes: [string, Node][] = [];
  const walk = (node: Node, at: string): void => {
    nodes.push([at, node]);
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
      walk(child, `${at}/properties/${name}`);
    }
    if (node.items && typeof node.items === 'object') walk(node.items as Node, `${at}/items`);
  };
  walk(WORKLOAD_SCHEMA as unknown as Node, '#');
  for (const [name, def] of Object.entries(defs)) walk(def, `#/$defs/${name}`);

  test('is draft 2020-12', () => {
    expect(WORKLOAD_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  test('every property has a description (its own or its $ref target’s)', () => {
    const undescribed = nodes
      .filter(([at]) => /\/properties\/[^/]+$/.test(at))
      .filter(([, node]) => {
        if (typeof node.description === 'string') return false;
        const ref = typeof node.$ref === 'string' ? defs[node.$ref.replace('#/$defs/', '')] : undefined;
        return typeof ref?.description !== 'string';
      })
      .map(([at]) => at);
    expect(undescribed).toEqual([]);
  });

  test('every object schema has additionalProperties: false, except the field map (names are free)', () => {
    const open = nodes
      .filter(([, node]) => node.type === 'object' && node.additionalProperties !== false)
      .map(([at]) => at);
    expect(open).toEqual(['#/$defs/fields']);
  });
});
