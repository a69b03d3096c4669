/** jest runs the TypeScript sources as ES modules (the @actions v3 packages are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Integration tests start real Kafka and Flink processes: run files one at a time on a 2-core machine.
  maxWorkers: 1,
  testTimeout: 120000,
  verbose: true,
};
