#!/usr/bin/env node
// Prints a fresh secret: `webhook` -> a Standard Webhooks secret "whsec_<base64 of 32 random bytes>";
// `function-key` -> a Function App key (base64url, 40 random bytes). Used by deploy.sh and azd hooks.
'use strict';
const { randomBytes } = require('node:crypto');

const kind = process.argv[2];
if (kind === 'webhook') {
  process.stdout.write(`whsec_${randomBytes(32).toString('base64')}\n`);
} else if (kind === 'function-key') {
  process.stdout.write(`${randomBytes(40).toString('base64url')}\n`);
} else {
  process.stderr.write('usage: generate-secret.js webhook|function-key\n');
  process.exit(2);
}
