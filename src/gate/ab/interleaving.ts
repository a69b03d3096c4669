/**
 * The order of the A/B runs. Rounds alternate which side runs first (ABBA: base-head, head-base,
 * ...), so a drift of the runner over the job (warming caches, thermal throttling, a neighbour
 * arriving) falls on both sides alike instead of always on the one that runs second. Pure.
 */
import type { ABSide } from './metrics.js';

export function sidesInOrder(round: number): readonly [ABSide, ABSide] {
  if (!Number.isSafeInteger(round) || round < 1) throw new RangeError(`Rounds count from 1; got ${round}.`);
  return round % 2 === 1 ? ['base', 'head'] : ['head', 'base'];
}
