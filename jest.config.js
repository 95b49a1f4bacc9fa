// One jest run for every workspace, in three projects:
// - unit: pure code and in-process servers only; no Azurite, no ledger node, no child processes. The
//   fast inner loop: `npm run test:unit`.
// - integration: a workspace's parts against real Azurite (started once per run by the global setup
//   on free ports, in memory), the local ledger node, the local Functions host.
// - e2e: the whole local stack (tests/e2e), the benchmarks' smoke runs and the deploy checks (tests/).
// Tests are TypeScript, transformed by SWC (no type-check here: `npm run typecheck` does that).
// A test file belongs to unit only when listed below; any other workspace test is integration, any
// other tests/ file e2e.
const UNIT_TESTS = [
  'shared/test/**/*.test.ts',
  'bigchaindb/test/**/*.test.ts',
  'functions/test/rating/**/*.test.ts',
  'functions/test/dead-letter-kinds.test.ts',
  'webjob/test/height-tracker.test.ts',
  'webjob/test/concurrency-limit.test.ts',
  'webjob/test/retry.test.ts',
  'webjob/test/term-stop.test.ts',
  'webjob/test/verifier.test.ts',
  'webjob/test/verification-pool.test.ts',
  'devstack/test/bench/azure-cost.test.ts',
  'devstack/test/demo/**/*.test.ts',
  'devstack/test/functions-host/route-template.test.ts',
  'devstack/test/functions-host/keys.test.ts',
  'devstack/test/functions-host/core-api.test.ts',
  'devstack/test/ledger/python-json.test.ts',
  'devstack/test/ledger/node-transaction.test.ts',
  'tests/library-packages.test.ts',
];

const shared = {
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.packages/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
};
// Everything the unit project runs stays there.
const notUnit = [...shared.testPathIgnorePatterns, ...UNIT_TESTS.map(globToPattern)];
const withAzurite = {
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: UNIT_TESTS.map((glob) => `<rootDir>/${glob}`) },
    {
      ...shared,
      ...withAzurite,
      displayName: 'integration',
      testMatch: ['<rootDir>/{shared,bigchaindb,functions,webjob,devstack}/test/**/*.test.ts'],
      testPathIgnorePatterns: notUnit,
    },
    {
      ...shared,
      ...withAzurite,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      testPathIgnorePatterns: notUnit,
    },
  ],
};

/** A path glob of the list above as the regular expression jest's ignore patterns take. */
function globToPattern(glob) {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return `<rootDir>/${escaped.replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*')}$`;
}
