/** jest runs the TypeScript sources as ES modules (the @actions v3 packages are ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Two files at a time: the integration tests spend most of their time waiting on real Kafka, Flink
  // and measurement intervals (ports are picked free, folders are per test), so two overlap well even
  // on 2 busy cores. scripts/test.sh downloads what they would fetch at once beforehand.
  maxWorkers: 2,
  testTimeout: 120000,
  verbose: true,
};
