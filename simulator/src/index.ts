/** The event simulator as a library: `runSimulator` and its pure parts (events, rate schedule, options). */
export { runSimulator, SimulatorError, type SimulatorHooks, type SimulatorStats } from './simulator.js';
export {
  DEFAULTS,
  resolveOptions,
  share,
  SimulatorOptionError,
  type Compression,
  type ResolvedOptions,
  type SaslMechanism,
  type SimulatorOptions,
} from './options.js';
export {
  deviceId,
  EventFactory,
  formatMicros,
  DEVICE_ID_PREFIX,
  EVENT_TYPES,
  type EventFactoryOptions,
  type EventType,
  type SimulatedEvent,
  type TelemetryEvent,
} from './events.js';
export { RateSchedule, type RateScheduleOptions, type SlotRun } from './schedule.js';
export { statsLine, writeStatsFile, type StatsFile } from './stats-file.js';
