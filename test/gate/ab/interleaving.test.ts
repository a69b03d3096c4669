import { sidesInOrder } from '../../../src/gate/ab/interleaving.js';

describe('sidesInOrder', () => {
  test('ABBA: odd rounds run the base first, even rounds the head first', () => {
    expect([1, 2, 3, 4].map((round) => sidesInOrder(round).join('-'))).toEqual([
      'base-head',
      'head-base',
      'base-head',
      'head-base',
    ]);
  });

  test('over any two rounds each side runs first once, so a linear drift falls on both alike', () => {
    const positions = [1, 2].flatMap((round) => sidesInOrder(round).map((side, index) => ({ side, index })));
    const sum = (side: string) => positions.filter((p) => p.side === side).reduce((total, p) => total + p.index, 0);
    expect(sum('base')).toBe(sum('head'));
  });

  test.each([0, -1, 1.5])('refuses round %p', (round) => {
    expect(() => sidesInOrder(round)).toThrow(RangeError);
  });
});
