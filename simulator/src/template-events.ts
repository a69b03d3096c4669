/**
 * TemplateEventFactory: builds the events a workload (workload.ts) describes, as JSON text, with the
 * same interface as EventFactory (events.ts). Pure and deterministic given `random` and `uuid`.
 *
 * The template is compiled once into static text pieces and closures, one per generated value,
 * so building an event is calling the closures and concatenating: field names, separators and
 * `fixed` values are cached text, pattern ids are pre-formatted, and `pooled` numbers come from a
 * pool of pre-formatted values (one entry replaced by a fresh draw per event), as EventFactory does
 * for complexData. With DEFAULT_WORKLOAD and the same `random` and `uuid`, the events are the same
 * text as EventFactory's (the random draws happen in the same order).
 *
 * - `pattern` ids are visited round-robin over this instance's part of the range ([from, from +
 *   count) split by `share` as resolveOptions splits devices), so a `sequence` per that field counts
 *   0, 1, 2, ... without gaps for every id.
 * - Every `duplicateEvery`-th original event (round(1 / workload.duplicates)) has `copies: 2`.
 * - `timestamp` is the createdAt the caller passes (the event's intended send time).
 * - `padding` is sized per event, so every event is exactly `toBytes` bytes unless the rest is longer.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../../src/errors.js';
import { formatMicros, type SimulatedEvent } from './events.js';
import { share } from './options.js';
import {
  generatorKind,
  pointerToken,
  type ChoiceGenerator,
  type Fields,
  type FixedGenerator,
  type Generator,
  type NumberGenerator,
  type PaddingGenerator,
  type PatternGenerator,
  type RepeatGenerator,
  type SequenceGenerator,
  type Workload,
} from './workload.js';

/** What the runner needs of an event factory (EventFactory and TemplateEventFactory both are). */
export interface EventSource {
  /** The next original event, created at `createdAtMicros` (microseconds since the epoch). */
  next(createdAtMicros: number): SimulatedEvent;
  /** Original events made so far. */
  readonly produced: number;
}

export interface TemplateEventFactoryOptions {
  /** This instance (0-based) of `instanceCount` (default 0 of 1): each takes its part of every pattern's ids. */
  instanceIndex?: number;
  instanceCount?: number;
  /** Every Nth original event is sent twice; 0 = never (default: round(1 / workload.duplicates)). */
  duplicateEvery?: number;
  /** Uniform [0, 1) source (default Math.random). */
  random?: () => number;
  /** UUID v4 source (default crypto.randomUUID). */
  uuid?: () => string;
  /** Size of each pool of pre-formatted `pooled` numbers, a power of two (default 65536). */
  poolSize?: number;
}

/** Pattern ids of one instance are pre-formatted up to this many; above, formatted per event. */
const PREFORMAT_LIMIT = 1 << 16;
const FILLER_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ASCII = /^[\x20-\x7e]*$/;

/** A value made fresh for each event: its JSON text, and its raw text (a key) after json() ran. */
interface Scalar {
  json: () => string;
  raw: () => string;
  /** Whether its JSON text is ASCII only (bytes = characters). */
  ascii: boolean;
}

/** A pattern or choice: one of `size` values, whose index a `sequence` per that field reads. */
interface Indexed extends Scalar {
  size: number;
  index: () => number;
  /** Picks this event's value before the others are made (a `per` target may come after its sequence). */
  pickFirst: () => void;
}

interface Pool {
  texts: string[];
  mask: number;
  refreshAt: number;
  fresh: () => string;
}

/** The compiled template: statics[0] + dynamics[0]() + statics[1] + ... + statics[n]. */
class TemplateBuilder {
  readonly statics: string[] = [];
  readonly dynamics: (() => string)[] = [];
  paddingAt = -1;
  private text = '';

  add(text: string): void {
    this.text += text;
  }

  value(make: () => string): void {
    this.statics.push(this.text);
    this.dynamics.push(make);
    this.text = '';
  }

  padding(make: () => string): void {
    this.paddingAt = this.dynamics.length;
    this.value(make);
  }

  finish(): void {
    this.statics.push(this.text);
    this.text = '';
  }
}

export class TemplateEventFactory implements EventSource {
  readonly workload: Workload;
  readonly instanceIndex: number;
  readonly instanceCount: number;
  readonly duplicateEvery: number;
  /** Original events made so far. */
  produced = 0;
  private readonly random: () => number;
  private readonly uuid: () => string;
  private readonly poolSize: number;
  private readonly statics: string[];
  private readonly dynamics: (() => string)[];
  private readonly paddingAt: number;
  private readonly paddingBytes: number;
  private readonly filler: string;
  private readonly ascii: boolean;
  private readonly firsts: (() => void)[] = [];
  private readonly key: () => string;
  private readonly pools = new Map<object, Pool>();
  private readonly topLevel = new Map<string, Scalar | Indexed>();
  private createdAtMicros = 0;
  private allAscii = true;
  private paddingSize = 0;

  constructor(workload: Workload, options: TemplateEventFactoryOptions = {}) {
    this.workload = workload;
    this.instanceIndex = options.instanceIndex ?? 0;
    this.instanceCount = options.instanceCount ?? 1;
    if (!Number.isInteger(this.instanceCount) || this.instanceCount < 1) {
      throw new RangeError('instanceCount must be an integer >= 1');
    }
    if (!Number.isInteger(this.instanceIndex) || this.instanceIndex < 0 || this.instanceIndex >= this.instanceCount) {
      throw new RangeError(`instanceIndex must be an integer in [0, ${this.instanceCount - 1}]`);
    }
    this.duplicateEvery = options.duplicateEvery ?? (workload.duplicates > 0 ? Math.round(1 / workload.duplicates) : 0);
    this.random = options.random ?? Math.random;
    this.uuid = options.uuid ?? randomUUID;
    this.poolSize = options.poolSize ?? 65536;
    if (!Number.isInteger(Math.log2(this.poolSize))) throw new RangeError('poolSize must be a power of two');

    // Top-level values first (patterns and choices before the sequences that count per their
    // values): a key or a sequence's `per` may name a field that comes later.
    for (const kinds of [
      ['pattern', 'choice'],
      ['sequence', 'uuid', 'timestamp', 'number'],
    ]) {
      for (const [name, field] of Object.entries(workload.event)) {
        if (kinds.includes(generatorKind(field))) {
          this.topLevel.set(name, this.scalar(field as Generator, `/event/${pointerToken(name)}`));
        }
      }
    }
    const builder = new TemplateBuilder();
    this.compileFields(builder, workload.event, '/event', true);
    builder.finish();
    this.statics = builder.statics;
    this.dynamics = builder.dynamics;
    this.paddingAt = builder.paddingAt;
    this.paddingBytes = this.paddingSize;
    this.ascii = this.allAscii && this.statics.every((text) => ASCII.test(text));
    let filler = '';
    for (let i = 0; i < this.paddingBytes; i++) filler += FILLER_CHARS[(this.random() * FILLER_CHARS.length) | 0];
    this.filler = filler;

    const keyField = workload.event[workload.key];
    const keyScalar = this.topLevel.get(workload.key);
    if (keyScalar) this.key = keyScalar.raw;
    else if (keyField && generatorKind(keyField) === 'fixed') {
      const fixed = (keyField as FixedGenerator).fixed;
      const text = typeof fixed === 'string' ? fixed : JSON.stringify(fixed);
      this.key = () => text;
    } else throw new UserError(`workload: key '${workload.key}' names no top-level single-value field`);
  }

  /** The next original event, created at `createdAtMicros` (microseconds since the epoch). */
  next(createdAtMicros: number): SimulatedEvent {
    this.createdAtMicros = createdAtMicros;
    const firsts = this.firsts;
    for (let i = 0; i < firsts.length; i++) firsts[i]!();
    const statics = this.statics;
    const dynamics = this.dynamics;
    let value: string;
    if (this.paddingAt < 0) {
      value = statics[0]!;
      for (let i = 0; i < dynamics.length; i++) {
        value += dynamics[i]!();
        value += statics[i + 1]!;
      }
    } else {
      const at = this.paddingAt;
      let before = statics[0]!;
      for (let i = 0; i < at; i++) {
        before += dynamics[i]!();
        before += statics[i + 1]!;
      }
      let after = statics[at + 1]!;
      for (let i = at + 1; i < dynamics.length; i++) {
        after += dynamics[i]!();
        after += statics[i + 1]!;
      }
      const size = this.ascii ? before.length + after.length : Buffer.byteLength(before) + Buffer.byteLength(after);
      const missing = this.paddingBytes - size;
      value = missing > 0 ? before + this.filler.slice(0, missing) + after : before + after;
    }
    const key = this.key();
    this.produced++;
    const copies = this.duplicateEvery > 0 && this.produced % this.duplicateEvery === 0 ? 2 : 1;
    return { key, value, copies };
  }

  private compileFields(builder: TemplateBuilder, fields: Fields, pointer: string, topLevel: boolean): void {
    builder.add('{');
    let first = true;
    for (const [name, field] of Object.entries(fields)) {
      const at = `${pointer}/${pointerToken(name)}`;
      if (generatorKind(field) !== 'repeat') {
        builder.add(`${first ? '' : ','}${JSON.stringify(name)}:`);
        first = false;
        this.compileValue(builder, field as Generator, at, topLevel ? this.topLevel.get(name) : undefined);
        continue;
      }
      const { count, name: pattern, generator } = (field as RepeatGenerator).repeat;
      if (count === 0) continue;
      const names = Array.from({ length: count }, (_, i) => JSON.stringify(pattern.replaceAll('{i}', String(i))));
      const inner = `${at}/repeat/generator`;
      if (generatorKind(generator) === 'number') {
        // One closure for all the fields (as EventFactory's complexData loop), the pool refreshed once.
        builder.add(first ? '' : ',');
        first = false;
        builder.value(this.numberRun(generator as NumberGenerator, names));
        continue;
      }
      for (const fieldName of names) {
        builder.add(`${first ? '' : ','}${fieldName}:`);
        first = false;
        this.compileValue(builder, generator, inner);
      }
    }
    builder.add('}');
  }

  private compileValue(builder: TemplateBuilder, generator: Generator, pointer: string, scalar?: Scalar): void {
    switch (generatorKind(generator)) {
      case 'fixed':
        builder.add(JSON.stringify((generator as FixedGenerator).fixed));
        return;
      case 'object':
        this.compileFields(builder, (generator as { object: Fields }).object, `${pointer}/object`, false);
        return;
      case 'padding': {
        // Its place only: next() sizes the filler from the rest of the event.
        this.paddingSize = (generator as PaddingGenerator).padding.toBytes;
        builder.add('"');
        builder.padding(() => '');
        builder.add('"');
        return;
      }
      default: {
        const made = scalar ?? this.scalar(generator, pointer);
        if (!made.ascii) this.allAscii = false;
        builder.value(made.json);
      }
    }
  }

  /** A generator of one value per event. */
  private scalar(generator: Generator, pointer: string): Scalar | Indexed {
    switch (generatorKind(generator)) {
      case 'uuid': {
        const uuid = this.uuid;
        let last = '';
        return { json: () => '"' + (last = uuid()) + '"', raw: () => last, ascii: true };
      }
      case 'timestamp': {
        let last = '';
        return { json: () => '"' + (last = formatMicros(this.createdAtMicros)) + '"', raw: () => last, ascii: true };
      }
      case 'number':
        return this.number(generator as NumberGenerator);
      case 'sequence':
        return this.sequence(generator as SequenceGenerator, pointer);
      case 'choice':
        return this.choice(generator as ChoiceGenerator);
      case 'pattern':
        return this.pattern(generator as PatternGenerator, pointer);
      default:
        throw new Error(`${pointer}: ${generatorKind(generator)} is not a single-value generator`);
    }
  }

  /** A fresh draw, formatted: uniform in [min, max), whole numbers with `integer`. */
  private draw(spec: NumberGenerator['number']): () => string {
    const random = this.random;
    const { min, max } = spec;
    const span = max - min;
    if (spec.integer) return () => '' + (min + Math.floor(random() * span));
    if (min === 0) return () => '' + random() * span;
    return () => '' + (min + random() * span);
  }

  private pool(spec: NumberGenerator['number']): Pool {
    let pool = this.pools.get(spec);
    if (!pool) {
      const fresh = this.draw(spec);
      pool = { texts: Array.from({ length: this.poolSize }, fresh), mask: this.poolSize - 1, refreshAt: 0, fresh };
      this.pools.set(spec, pool);
    }
    return pool;
  }

  private number(generator: NumberGenerator): Scalar {
    const spec = generator.number;
    let last = '';
    if (!spec.pooled) {
      const fresh = this.draw(spec);
      return { json: () => (last = fresh()), raw: () => last, ascii: true };
    }
    const pool = this.pool(spec);
    const random = this.random;
    const texts = pool.texts;
    const size = pool.mask + 1;
    return {
      json: () => {
        last = texts[(random() * size) | 0]!;
        texts[pool.refreshAt] = pool.fresh();
        pool.refreshAt = (pool.refreshAt + 1) & pool.mask;
        return last;
      },
      raw: () => last,
      ascii: true,
    };
  }

  /** `"name0":v,"name1":v,...` for a repeat of numbers, in one closure. */
  private numberRun(generator: NumberGenerator, names: string[]): () => string {
    const spec = generator.number;
    const prefixes = names.map((name, i) => `${i === 0 ? '' : ','}${name}:`);
    const n = prefixes.length;
    if (!spec.pooled) {
      const fresh = this.draw(spec);
      return () => {
        let text = '';
        for (let i = 0; i < n; i++) text += prefixes[i]! + fresh();
        return text;
      };
    }
    const pool = this.pool(spec);
    const random = this.random;
    const texts = pool.texts;
    const size = pool.mask + 1;
    return () => {
      let text = '';
      for (let i = 0; i < n; i++) text += prefixes[i]! + texts[(random() * size) | 0];
      texts[pool.refreshAt] = pool.fresh();
      pool.refreshAt = (pool.refreshAt + 1) & pool.mask;
      return text;
    };
  }

  private sequence(generator: SequenceGenerator, pointer: string): Scalar {
    const per = generator.sequence.per;
    let last = '';
    if (per === undefined) {
      let n = 0;
      return { json: () => (last = '' + n++), raw: () => last, ascii: true };
    }
    const target = this.topLevel.get(per) as Indexed | undefined;
    if (!target || target.index === undefined) {
      throw new UserError(`workload: ${pointer}/sequence/per names '${per}', not a top-level pattern or choice field`);
    }
    if (!this.firsts.includes(target.pickFirst)) this.firsts.push(target.pickFirst);
    const counters = new Array<number>(target.size).fill(0);
    return {
      json: () => {
        const i = target.index();
        const n = counters[i]!;
        counters[i] = n + 1;
        return (last = '' + n);
      },
      raw: () => last,
      ascii: true,
    };
  }

  private choice(generator: ChoiceGenerator): Indexed {
    const { values, weights } = generator.choice;
    const json = values.map((v) => JSON.stringify(v));
    const raw = values.map((v) => String(v));
    const random = this.random;
    const n = values.length;
    let pick: () => number;
    if (weights === undefined || weights.every((w) => w === weights[0])) {
      pick = () => (random() * n) | 0;
    } else {
      const total = weights.reduce((a, b) => a + b, 0);
      const bounds: number[] = [];
      let sum = 0;
      for (const w of weights) bounds.push((sum += w) / total);
      const last = bounds.findLastIndex((_, i) => weights[i]! > 0);
      pick = () => {
        const r = random();
        for (let i = 0; i < last; i++) if (r < bounds[i]!) return i;
        return last;
      };
    }
    let index = 0;
    let picked = false;
    return {
      json: () => {
        if (!picked) index = pick();
        picked = false;
        return json[index]!;
      },
      raw: () => raw[index]!,
      ascii: json.every((text) => ASCII.test(text)),
      size: n,
      index: () => index,
      pickFirst: () => {
        index = pick();
        picked = true;
      },
    };
  }

  private pattern(generator: PatternGenerator, pointer: string): Indexed {
    const { prefix, count } = generator.pattern;
    const from = generator.pattern.from ?? 0;
    const [start, end] = share(count, this.instanceIndex, this.instanceCount);
    const size = end - start;
    if (size < 1) {
      throw new UserError(
        `workload: ${pointer}/pattern has count ${count}, fewer than the ${this.instanceCount} simulator instances: each instance needs at least one id`,
      );
    }
    const first = from + start;
    const quoted = JSON.stringify(prefix).slice(0, -1);
    let index = size - 1;
    let advanced = false;
    const advance = (): void => {
      index = index + 1 === size ? 0 : index + 1;
    };
    let json: () => string;
    let raw: () => string;
    if (size <= PREFORMAT_LIMIT) {
      const raws = Array.from({ length: size }, (_, i) => prefix + (first + i));
      const jsons = raws.map((id) => JSON.stringify(id));
      json = () => jsons[index]!;
      raw = () => raws[index]!;
    } else {
      json = () => quoted + (first + index) + '"';
      raw = () => prefix + (first + index);
    }
    return {
      json: () => {
        if (!advanced) advance();
        advanced = false;
        return json();
      },
      raw,
      ascii: ASCII.test(quoted),
      size,
      index: () => index,
      pickFirst: () => {
        advance();
        advanced = true;
      },
    };
  }
}
