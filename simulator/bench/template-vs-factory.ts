/**
 * Micro benchmark: events/s of building events with EventFactory (events.ts, the seed's hand-written
 * IoT event) and with TemplateEventFactory(DEFAULT_WORKLOAD) (template-events.ts, the same event made
 * from the workload template), on one core, no Kafka. Run by simulator/bench/template-vs-factory.sh.
 *
 * Each factory builds `events` events (default 1,000,000), after a warm-up, in slices of 100,000
 * taken in turns (A B B A ...), so both see the same load from the rest of the machine. Figures are
 * events per second of this process's CPU time (user + system, GC included), which another busy
 * process moves far less than the wall clock; the wall-clock rate is printed beside it. "build"
 * touches each value's length only (the value may stay a rope of concatenated strings); "build +
 * UTF-8" also measures its UTF-8 size, which flattens it, as the producer's encoding does.
 */
import { EventFactory } from '../src/events.js';
import { TemplateEventFactory, type EventSource } from '../src/template-events.js';
import { DEFAULT_WORKLOAD } from '../src/workload.js';

const START_MICROS = Date.UTC(2026, 10, 26, 12, 0, 0) * 1000;
const SLICE = 100_000;
const WARM_UP = 200_000;

const FACTORIES: { name: string; make: () => EventSource }[] = [
  { name: 'EventFactory', make: () => new EventFactory() },
  { name: 'TemplateEventFactory(DEFAULT_WORKLOAD)', make: () => new TemplateEventFactory(DEFAULT_WORKLOAD) },
];

interface Totals {
  cpuMicros: number;
  wallNanos: bigint;
  bytes: number;
  events: number;
}

function slice(factory: EventSource, count: number, utf8: boolean, totals: Totals): void {
  let bytes = 0;
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const { value } = factory.next(START_MICROS + (totals.events + i) * 100);
    bytes += utf8 ? Buffer.byteLength(value) : value.length;
  }
  totals.wallNanos += process.hrtime.bigint() - wall;
  const used = process.cpuUsage(cpu);
  totals.cpuMicros += used.user + used.system;
  totals.bytes += bytes;
  totals.events += count;
}

function main(): void {
  const count = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(count) || count < SLICE) throw new Error(`events must be an integer >= ${SLICE}`);
  const rate = (events: number, seconds: number) => `${Math.round(events / seconds).toLocaleString('en-US')}/s`;
  console.log(
    `${count.toLocaleString('en-US')} events per factory and mode, in slices of ${SLICE.toLocaleString('en-US')}, Node ${process.version}`,
  );
  for (const utf8 of [false, true]) {
    const factories = FACTORIES.map(({ name, make }) => ({ name, factory: make() }));
    const totals = factories.map(() => ({ cpuMicros: 0, wallNanos: 0n, bytes: 0, events: 0 }));
    for (const [i, { factory }] of factories.entries()) slice(factory, WARM_UP, utf8, { ...totals[i]! });
    for (let s = 0; s < Math.ceil(count / SLICE); s++) {
      const n = Math.min(SLICE, count - s * SLICE);
      const order = s % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) slice(factories[i]!.factory, n, utf8, totals[i]!);
    }
    console.log(utf8 ? 'build + UTF-8 size:' : 'build:');
    for (const [i, { name }] of factories.entries()) {
      const t = totals[i]!;
      console.log(
        `  ${name.padEnd(40)} ${rate(t.events, t.cpuMicros / 1e6).padStart(10)} CPU  ${rate(t.events, Number(t.wallNanos) / 1e9).padStart(10)} wall  (${(t.bytes / t.events).toFixed(0)} B/event)`,
      );
    }
    const [factory, template] = totals;
    console.log(
      `  ratio template / factory: ${((factory!.cpuMicros / template!.cpuMicros) * 100).toFixed(1)}% (CPU), ${((Number(factory!.wallNanos) / Number(template!.wallNanos)) * 100).toFixed(1)}% (wall)`,
    );
  }
}

main();
