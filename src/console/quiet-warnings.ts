/**
 * kafkajs 2.2.4 schedules timers with negative delays, which Node 24 reports on every run as a
 * TimeoutNegativeWarning (harmless: Node uses 1 ms). Hide that one warning; print the others.
 */
export function hideKafkajsTimerWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') console.warn(`${warning.name}: ${warning.message}`);
  });
}
