// The storage plumbing both components share: keys already stored must keep their form, every
// Azurite connection string is recognised as plain http, settings errors name the variable.
import {
  decodeTableKey,
  encodeTableKey,
  isConflict,
  isPlainHttp,
  readStorageSettings,
  statusOf,
  webJobStorageNames,
} from '../src/azure-storage';
import { ConfigError, configErrorOf } from '../src/settings';

describe('table keys', () => {
  it('encode as the checkpoint and leadership names were always stored (URI component, upper-case hex)', () => {
    expect(encodeTableKey('bigchaindb://local')).toBe('bigchaindb%3A%2F%2Flocal');
    expect(encodeTableKey("it's (a) test*!")).toBe('it%27s%20%28a%29%20test%2A%21');
    expect(encodeTableKey('3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9~h~000000000001')).toBe(
      '3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9~h~000000000001',
    );
  });

  it('never hold a character Azure forbids, and decode back', () => {
    const key = 'a/b\\c#d?e%f\u0001g\u0085h é';
    const encoded = encodeTableKey(key);
    expect(encoded).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex -- what Azure forbids
    expect(decodeTableKey(encoded)).toBe(key);
  });

  it('refuse what Azure would refuse, with a RangeError', () => {
    expect(() => encodeTableKey('x'.repeat(513))).toThrow(RangeError);
    expect(() => encodeTableKey('\ud800')).toThrow(RangeError);
  });

  it('decode a key that is not an encoded one as it is', () => {
    expect(decodeTableKey('50%off')).toBe('50%off');
  });
});

describe('storage settings', () => {
  it('take the connection string first, else the account with its identity', () => {
    expect(
      readStorageSettings({ STORAGE_CONNECTION_STRING: ' UseDevelopmentStorage=true ', STORAGE_ACCOUNT_NAME: 'acct' }),
    ).toEqual({ kind: 'connection-string', connectionString: 'UseDevelopmentStorage=true' });
    expect(readStorageSettings({ STORAGE_ACCOUNT_NAME: 'acct', AZURE_CLIENT_ID: 'id' })).toEqual({
      kind: 'identity',
      accountName: 'acct',
      clientId: 'id',
    });
  });

  it.each([
    [{}, /^STORAGE_CONNECTION_STRING: set STORAGE_CONNECTION_STRING/],
    [{ STORAGE_ACCOUNT_NAME: 'Not_An_Account' }, /^STORAGE_ACCOUNT_NAME: must be 3-24 lowercase letters and digits/],
  ])('refuse %j naming the variable', (env, message) => {
    expect(() => readStorageSettings(env)).toThrow(ConfigError);
    expect(() => readStorageSettings(env)).toThrow(message);
  });

  it('know every form of an Azurite connection string as plain http, and an account key as https', () => {
    expect(isPlainHttp('UseDevelopmentStorage=true')).toBe(true);
    expect(
      isPlainHttp(
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;',
      ),
    ).toBe(true);
    expect(
      isPlainHttp('AccountName=devstoreaccount1;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1'),
    ).toBe(true);
    expect(
      isPlainHttp('DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;EndpointSuffix=core.windows.net'),
    ).toBe(false);
  });
});

describe("the WebJob's storage names", () => {
  it('are the ones it always used, and valid queue and container names for any table prefix', () => {
    expect(webJobStorageNames('leasepremium')).toEqual({
      checkpointsTable: 'leasepremiumCheckpoints',
      deadLetterQueue: 'leasepremium-deadletters',
      leasesContainer: 'leasepremium-leases',
    });
    expect(webJobStorageNames('Test42')).toEqual({
      checkpointsTable: 'Test42Checkpoints',
      deadLetterQueue: 'test42-deadletters',
      leasesContainer: 'test42-leases',
    });
  });
});

describe('failure statuses', () => {
  it('read the status of any SDK error, and tell conflicts', () => {
    expect(statusOf(Object.assign(new Error('x'), { statusCode: 412 }))).toBe(412);
    expect(statusOf(new Error('ECONNREFUSED'))).toBeUndefined();
    expect(isConflict({ statusCode: 409 })).toBe(true);
    expect(isConflict({ statusCode: 404 })).toBe(false);
  });
});

describe('settings errors', () => {
  it('name the variable once, whether the parser named it or not', () => {
    expect(configErrorOf('WEBHOOK_SECRETS', new Error('WEBHOOK_SECRETS: secret #1 is not valid base64')).message).toBe(
      'WEBHOOK_SECRETS: secret #1 is not valid base64',
    );
    expect(configErrorOf('X', new Error('is bad')).message).toBe('X: is bad');
  });
});
