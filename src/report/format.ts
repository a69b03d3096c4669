/** Number and duration formatting shared by the verdicts, gate details and renderers. Pure. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234.6 -> "1,235". */
export function formatCount(value: number): string {
  return grouped.format(Math.round(value));
}

/** A number with a fixed count of decimals and thousands separators: (1002.25, 1) -> "1,002.3". */
export function formatDecimal(value: number, decimals: number): string {
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(
    value,
  );
}

/** 100.24 -> "100.2%". */
export function formatPercent(value: number): string {
  return `${formatDecimal(value, 1)}%`;
}

/** A signed change: 3.14 -> "+3.1%", -2 -> "-2.0%". */
export function formatChange(value: number): string {
  const shown = Math.round(value * 10) / 10;
  return `${shown > 0 ? '+' : shown < 0 ? '-' : '±'}${formatDecimal(Math.abs(shown), 1)}%`;
}

/** Milliseconds with 3 significant digits at most (the histogram's precision): 12.345 -> "12.3". */
export function formatMs(value: number): string {
  if (value >= 100) return formatCount(value);
  if (value >= 10) return formatDecimal(value, 1);
  return formatDecimal(value, 2);
}

/** 120 -> "2 min", 90 -> "1 min 30 s", 45 -> "45 s". */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** "1 full minute" / "3 full minutes". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
