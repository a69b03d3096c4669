import { decideAfterRounds, type ConfirmationOptions } from '../../../src/gate/ab/confirmation.js';
import { syntheticRounds, type Scenario } from './synthetic.js';

const OPTIONS: ConfirmationOptions = { minimumEffectPercent: 10, intervalSeconds: 60, plannedRounds: 3 };

/** The whole flow: the planned rounds, then the confirmation pair when one is asked for. */
function gate(seed: number, scenario: Omit<Scenario, 'rounds'>, plannedRounds = OPTIONS.plannedRounds) {
  const options = { ...OPTIONS, plannedRounds };
  const rounds = syntheticRounds(seed, { ...scenario, rounds: plannedRounds + 1 });
  const first = decideAfterRounds(rounds.slice(0, plannedRounds), options);
  if (!first.needsConfirmationPair) return { first, final: first };
  const final = decideAfterRounds(rounds, options);
  if (final.needsConfirmationPair) throw new Error('a confirmed decision asked for another pair');
  return { first, final };
}

function failRate(scenario: Omit<Scenario, 'rounds'>, trials: number, plannedRounds?: number): number {
  let fails = 0;
  for (let seed = 1; seed <= trials; seed++) if (gate(seed, scenario, plannedRounds).final.verdict === 'fail') fails++;
  return fails / trials;
}

describe('the A/B decision', () => {
  test('no effect passes without a confirmation pair', () => {
    const { first, final } = gate(11, { noise: 0.04 });
    expect(first.needsConfirmationPair).toBe(false);
    expect(final).toMatchObject({ verdict: 'pass', confirmed: false });
  });

  test('no effect never fails, over many seeded runners (3% to 5% noise)', () => {
    for (const noise of [0.03, 0.05]) expect(failRate({ noise }, 300)).toBe(0);
  });

  test('a 20% slowdown with 4% noise asks for a confirmation pair and then fails', () => {
    const { first, final } = gate(5, { noise: 0.04, throughputRatio: 0.8 });
    expect(first).toMatchObject({ needsConfirmationPair: true, verdict: null, suspected: ['sustained-throughput'] });
    expect(final).toMatchObject({ verdict: 'fail', confirmed: true });
    const throughput = final.comparisons.find((comparison) => comparison.metric === 'sustained-throughput')!;
    expect(throughput.verdict).toBe('regression');
    expect(throughput.rounds).toHaveLength(4);
  });

  // Power, from the t interval's own arithmetic (pooled SD ~ noise, 4 rounds after confirmation):
  // about 0.9 at 4% noise and 0.8 at 5%; the bounds leave room for sampling error over 300 trials.
  test.each([
    [0.03, 0.9],
    [0.04, 0.85],
    [0.05, 0.7],
  ])('a 20%% slowdown with noise %f fails in at least %f of seeded trials', (noise, power) => {
    expect(failRate({ noise, throughputRatio: 0.8 }, 300)).toBeGreaterThanOrEqual(power);
  });

  test('a 30% slowdown fails with the smallest plan, 2 rounds and a confirmation pair', () => {
    expect(failRate({ noise: 0.04, throughputRatio: 0.7 }, 300, 2)).toBeGreaterThanOrEqual(0.95);
  });

  test('a latency regression fails too', () => {
    expect(gate(9, { noise: 0.03, p99Ratio: 1.4 }).final.verdict).toBe('fail');
  });

  test('one outlier round is suspected, then not a fail once the confirmation pair is in', () => {
    const { first, final } = gate(2, { noise: 0.03, outlier: { round: 2, factor: 0.65 } });
    expect(first.needsConfirmationPair).toBe(true);
    expect(final).toMatchObject({ verdict: 'pass', confirmed: true });
    let fails = 0;
    for (let seed = 1; seed <= 300; seed++) {
      if (gate(seed, { noise: 0.03, outlier: { round: 2, factor: 0.65 } }).final.verdict === 'fail') fails++;
    }
    expect(fails).toBe(0);
  });

  test('even a clear regression is confirmed before it fails', () => {
    const rounds = syntheticRounds(4, { rounds: 3, noise: 0.02, throughputRatio: 0.6 });
    const decision = decideAfterRounds(rounds, OPTIONS);
    expect(decision.needsConfirmationPair).toBe(true);
    expect(decision.comparisons[0].verdict).toBe('regression');
  });

  test('the decision is taken after the planned rounds, with at most one pair more', () => {
    const rounds = syntheticRounds(1, { rounds: 5, noise: 0.04 });
    expect(() => decideAfterRounds(rounds.slice(0, 2), OPTIONS)).toThrow(/3 planned rounds.*got 2/);
    expect(() => decideAfterRounds(rounds, OPTIONS)).toThrow(RangeError);
  });
});
