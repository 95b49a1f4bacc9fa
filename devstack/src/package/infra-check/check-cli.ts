#!/usr/bin/env node
// `node devstack/dist/package/infra-check/check-cli.js`: the offline infra checks, for humans.
import { resolve } from 'node:path';
import { checkInfra, formatResults } from './check-infra';

checkInfra(resolve(__dirname, '../../../..')).then(
  (results) => {
    console.log(formatResults(results));
    if (results.some((r) => r.problems.length > 0)) process.exitCode = 1;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exitCode = 1;
  },
);
