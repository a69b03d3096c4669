import { timeLagSeconds } from '../../src/analysis/time-lag.js';

// The input's end every 10 s at 1,000 events/s: 0, 10,000, 20,000, 30,000.
const t0 = Date.parse('2026-12-03T12:00:00Z');
const history = [0, 1, 2, 3].map((i) => ({ at: t0 + i * 10_000, inEnd: i * 10_000 }));
const now = t0 + 30_000;

test('a group at the end has no lag; one behind is as old as the moment the end was where it is', () => {
  expect(timeLagSeconds(history, 30_000, now)).toBe(0);
  expect(timeLagSeconds(history, 31_000, now)).toBe(0);
  expect(timeLagSeconds(history, 20_000, now)).toBe(10);
  // Interpolated between two samples: 25,000 was the end at t0 + 25 s.
  expect(timeLagSeconds(history, 25_000, now)).toBeCloseTo(5, 9);
  expect(timeLagSeconds(history, 2_500, now)).toBeCloseTo(27.5, 9);
});

test('before the first sample the first two extrapolate; a table that cannot place it gives null', () => {
  const later = history.slice(1).map((sample) => ({ ...sample, inEnd: sample.inEnd + 5_000 }));
  // 15,000 at t0 + 10 s and 1,000/s: 5,000 was the end at t0 + 0 s.
  expect(timeLagSeconds(later, 5_000, now)).toBeCloseTo(30, 9);
  expect(timeLagSeconds([], 0, now)).toBeNull();
  expect(timeLagSeconds([{ at: t0, inEnd: 100 }], 50, now)).toBeNull();
  expect(
    timeLagSeconds(
      [
        { at: t0, inEnd: 100 },
        { at: t0 + 1_000, inEnd: 100 },
        { at: t0 + 2_000, inEnd: 200 },
      ],
      50,
      now,
    ),
  ).toBeNull();
});

test('an idle input (no records appended) keeps the lag of the last move', () => {
  const idle = [...history, { at: t0 + 40_000, inEnd: 30_000 }];
  expect(timeLagSeconds(idle, 25_000, t0 + 40_000)).toBeCloseTo(15, 9);
});
