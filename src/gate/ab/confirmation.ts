/**
 * The A/B gate's decision flow. After the planned rounds, a suspected regression (a metric whose
 * estimate is worse than the minimum effect, or a regression already) asks for one more AB pair;
 * the gate fails only when a regression holds over every round, the extra pair included. One noisy
 * round then cannot fail a pull request on its own. Pure: the rounds so far in, the decision out.
 */
import type { ABMetricName, RoundFigures } from './metrics.js';
import { compareRounds, type ABComparison, type ComparisonOptions } from './statistics.js';

export interface ConfirmationOptions extends ComparisonOptions {
  /** Rounds run before any confirmation (the `rounds` input). */
  plannedRounds: number;
}

export type ConfirmationDecision =
  | {
      needsConfirmationPair: true;
      verdict: null;
      /** The metrics that look worse than the minimum effect. */
      suspected: ABMetricName[];
      comparisons: ABComparison[];
    }
  | {
      needsConfirmationPair: false;
      /** 'fail': a regression held (with the confirmation pair, when one ran); 'pass': none did. */
      verdict: 'pass' | 'fail';
      /** A confirmation pair is among the rounds. */
      confirmed: boolean;
      comparisons: ABComparison[];
    };

function isSuspected(comparison: ABComparison): boolean {
  return (
    comparison.verdict === 'regression' ||
    (comparison.worseBy !== null && comparison.worseBy.estimate > comparison.minimumEffect)
  );
}

export function decideAfterRounds(rounds: readonly RoundFigures[], options: ConfirmationOptions): ConfirmationDecision {
  const { plannedRounds } = options;
  if (rounds.length < plannedRounds || rounds.length > plannedRounds + 1) {
    throw new RangeError(
      `The A/B decision is taken after the ${plannedRounds} planned rounds, or with one confirmation pair more; got ${rounds.length} rounds.`,
    );
  }
  const comparisons = compareRounds(rounds, options);
  const confirmed = rounds.length > plannedRounds;
  const suspected = comparisons.filter(isSuspected).map((comparison) => comparison.metric);
  if (!confirmed && suspected.length > 0) {
    return { needsConfirmationPair: true, verdict: null, suspected, comparisons };
  }
  const regressed = comparisons.some((comparison) => comparison.verdict === 'regression');
  return { needsConfirmationPair: false, verdict: regressed ? 'fail' : 'pass', confirmed, comparisons };
}
