import { logGamma, studentTCdf, studentTQuantile } from '../../../src/gate/ab/student-t.js';

describe('Student t', () => {
  // Published two-sided 95% critical values (any t table), to the table's 3 decimals.
  test.each([
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [6, 2.447],
    [10, 2.228],
    [30, 2.042],
    [120, 1.98],
  ])('the 97.5%% quantile with %i degrees of freedom is %f', (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 3);
  });

  // Closed forms: df 1 is the Cauchy distribution, df 2 has t = (2p - 1) / sqrt(2p(1 - p)).
  test.each([0.01, 0.2, 0.5, 0.9, 0.995])('matches the closed forms for 1 and 2 degrees of freedom at p = %f', (p) => {
    expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
    expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 8);
  });

  test('the CDF is symmetric and tends to the normal one', () => {
    expect(studentTCdf(1.3, 5) + studentTCdf(-1.3, 5)).toBeCloseTo(1, 12);
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12);
    expect(studentTQuantile(0.975, 100_000)).toBeCloseTo(1.95996, 4);
  });

  test('ln Γ matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });

  test('refuses what has no quantile', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});
