// `npm run ledger -- ...`: option parsing (validated once, clear messages naming the flag) and the process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCli } from '../../src/ledger/cli-options';

const CLI = resolve(__dirname, '../../dist/ledger/cli.js');

describe('ledger CLI options', () => {
  test('defaults: BigchainDB ports, in memory, 1 s blocks, v2 frames, no admin, info logs', () => {
    expect(parseCli([], {})).toEqual({
      help: false,
      options: {
        httpPort: 9984,
        wsPort: 9985,
        host: '127.0.0.1',
        dataDir: undefined,
        blockIntervalMs: 1000,
        emptyBlocks: false,
        wsFormat: 'v2',
        admin: false,
        logLevel: 'info',
      },
    });
  });

  test('every flag', () => {
    const argv = [
      '--http-port',
      '0',
      '--ws-port',
      '19985',
      '--data',
      '/tmp/x',
      '--block-interval-ms',
      '0',
      '--ws-format',
      'v1',
      '--admin',
      '--empty-blocks',
      '--host',
      '0.0.0.0',
      '--verifier-threads',
      '0',
    ];
    expect(parseCli(argv, { LOG_LEVEL: 'warn' })).toEqual({
      help: false,
      options: {
        httpPort: 0,
        wsPort: 19985,
        host: '0.0.0.0',
        dataDir: '/tmp/x',
        blockIntervalMs: 0,
        emptyBlocks: true,
        wsFormat: 'v1',
        admin: true,
        verifierThreads: 0,
        logLevel: 'warn',
      },
    });
    expect(parseCli(['-h'], {})).toEqual({ help: true });
  });

  test.each([
    [['--http-port', 'abc'], /--http-port must be a port number 0-65535, got "abc"/],
    [['--ws-port', '70000'], /--ws-port must be a port number/],
    [['--block-interval-ms', '1.5'], /--block-interval-ms must be a whole number/],
    [['--ws-format', 'v3'], /--ws-format must be v1 or v2, got "v3"/],
    [['--data', ' '], /--data needs a directory/],
    [['--verifier-threads', 'two'], /--verifier-threads must be a whole number, got "two"/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseCli(argv, {})).toThrow(message);
  });

  test('LOG_LEVEL is validated', () => {
    expect(() => parseCli([], { LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL must be debug, info, warn, error or silent, got "loud"/,
    );
  });

  test('the compiled CLI prints usage on --help and exits 2 with the message on a bad flag', () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b devstack)`);
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run ledger -- [options]');
    const bad = spawnSync(process.execPath, [CLI, '--ws-format', 'v9'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ledger: --ws-format must be v1 or v2, got "v9"');
  });
});
