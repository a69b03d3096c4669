/**
 * Synthetic A/B rounds with a known effect and seeded noise, so every trial is reproducible and a
 * confidence interval's coverage can be counted against the truth.
 */
import { sidesInOrder } from '../../../src/gate/ab/interleaving.js';
import type { ABMetricName, RoundFigures, RunFigures } from '../../../src/gate/ab/metrics.js';

/** mulberry32: a small, well-mixed 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box-Muller). */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export const TRUE_BASE = { 'sustained-throughput': 1000, 'p99-latency': 200, 'ramp-up': 60 } as const;

export interface Scenario {
  rounds: number;
  /** Standard deviation of one run's log figure (0.04: about 4% per run) for throughput and p99. */
  noise: number;
  /** Standard deviation of one run's ramp-up, seconds (default 0: every run ramps up alike). */
  rampUpNoiseSeconds?: number;
  /** The true head / base ratio of throughput and p99 (default 1). */
  throughputRatio?: number;
  p99Ratio?: number;
  /** The true head - base ramp-up, seconds (default 0). */
  rampUpDifferenceSeconds?: number;
  /** A shift shared by both runs of a round (a noisy neighbour for a while): its standard deviation, log. */
  roundShift?: number;
  /** A steady drift of the runner: the log figure moves by this much per run, in interleaving order. */
  driftPerRun?: number;
  /** One round whose head is slowed by this factor (throughput x factor, p99 / factor). */
  outlier?: { round: number; factor: number };
  /** The first round's number (1-based), to generate a confirmation pair on its own. */
  firstRound?: number;
}

/**
 * Rounds in ABBA order (round 1: base then head, round 2: head then base, ...), so a linear drift
 * falls on both sides alike.
 */
export function syntheticRounds(seed: number, scenario: Scenario): RoundFigures[] {
  const random = seededRandom(seed);
  const firstRound = scenario.firstRound ?? 1;
  return Array.from({ length: scenario.rounds }, (_, index) => {
    const round = firstRound + index;
    const shift = (scenario.roundShift ?? 0) * normal(random);
    const order = sidesInOrder(round);
    const figures = {} as Record<'base' | 'head', RunFigures>;
    order.forEach((side, position) => {
      const slot = (round - 1) * 2 + position;
      const common = shift + (scenario.driftPerRun ?? 0) * slot;
      const head = side === 'head';
      const outlier = head && scenario.outlier?.round === round ? scenario.outlier.factor : 1;
      const level = (metric: ABMetricName, ratio: number) =>
        TRUE_BASE[metric] * (head ? ratio : 1) * Math.exp(common + scenario.noise * normal(random));
      figures[side] = {
        steady: true,
        values: {
          'sustained-throughput': level('sustained-throughput', scenario.throughputRatio ?? 1) * outlier,
          'p99-latency': level('p99-latency', scenario.p99Ratio ?? 1) / outlier,
          'ramp-up':
            TRUE_BASE['ramp-up'] +
            (head ? (scenario.rampUpDifferenceSeconds ?? 0) : 0) +
            (scenario.rampUpNoiseSeconds ?? 0) * normal(random),
        },
      };
    });
    return figures;
  });
}
