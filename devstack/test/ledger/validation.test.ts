// Every refusal of POST /transactions with the message a BigchainDB 2.2.2 node gives, and the quirks it has.
import * as bigchaindb from '@lease-premium/bigchaindb';
import type { LedgerNode } from '../../src/ledger';
import {
  ALICE,
  BOB,
  CAROL,
  CREATE_VECTOR,
  error400,
  http,
  makeCreate,
  makeTransfer,
  output,
  post,
  randomKeypair,
  startTestNode,
  waitFor,
  withId,
  type Tx,
} from './ledger-fixtures';

const clone = <T>(v: T): T => structuredClone(v);
type Json = Record<string, unknown>;

describe('ledger node validation', () => {
  let node: LedgerNode;
  beforeAll(async () => (node = await startTestNode()));
  afterAll(() => node.stop());

  async function expect400(body: unknown, message: string): Promise<void> {
    const res = await post(node, body, 'sync');
    expect(`${res.status} ${res.statusText}`).toBe('400 BAD REQUEST');
    expect(res.text).toBe(error400(message));
  }

  describe('id hash (checked before the schema)', () => {
    test('a changed body', async () => {
      const tx = { ...clone(CREATE_VECTOR), metadata: { sequence: 9 } };
      await expect400(
        tx,
        `Invalid transaction (InvalidHash): The transaction's id '${CREATE_VECTOR.id}' isn't equal to the hash of its body, i.e. it's not valid.`,
      );
    });
    test('no id at all', async () => {
      const { id: _id, ...tx } = clone(CREATE_VECTOR);
      await expect400(tx, 'Invalid transaction (InvalidHash): No transaction id found!');
    });
    test('an input without "fulfills" passes the common schema, not the CREATE one', async () => {
      const tx = clone(makeCreate(ALICE)) as unknown as Json;
      delete ((tx.inputs as Json[])[0] as Json).fulfills;
      await expect400(withId(tx), "Invalid transaction schema: 'fulfills' is a required property");
    });
    test('a body that is not an object crashes the real node: 500', async () => {
      const res = await post(node, '[1, 2]');
      expect(`${res.status} ${res.statusText}`).toBe('500 INTERNAL SERVER ERROR');
      expect(res.text).toBe('{"message": "Internal Server Error"}\n');
    });
  });

  describe('v2.0 schema (jsonschema 3.2 wording)', () => {
    const base = (): Json => clone(makeCreate(ALICE));
    test.each<[string, (tx: Json) => void, string]>([
      ['missing version', (tx) => delete tx.version, "'version' is a required property"],
      ['metadata {}', (tx) => (tx.metadata = {}), '{} does not have enough properties'],
      [
        'an extra top-level key',
        (tx) => (tx.extra = 1),
        "Additional properties are not allowed ('extra' was unexpected)",
      ],
      ['version 1.0', (tx) => (tx.version = '1.0'), "'1.0' does not match '^2\\\\.0$'"],
      [
        'an unknown operation',
        (tx) => (tx.operation = 'BURN'),
        "'BURN' is not one of ['CREATE', 'TRANSFER', 'VALIDATOR_ELECTION', 'CHAIN_MIGRATION_ELECTION', 'VOTE']",
      ],
      ['amount as a number', (tx) => (((tx.outputs as Json[])[0] as Json).amount = 1), "1 is not of type 'string'"],
      [
        'amount with a sign',
        (tx) => (((tx.outputs as Json[])[0] as Json).amount = '-1'),
        "'-1' does not match '^[0-9]{1,20}$'",
      ],
      // best_match descends into anyOf contexts, preferring the nested anyOf: its first branch's error wins
      [
        'a null fulfillment',
        (tx) => (((tx.inputs as Json[])[0] as Json).fulfillment = null),
        "None is not of type 'object'",
      ],
      [
        'CREATE with two inputs',
        (tx) => (tx.inputs = [...(tx.inputs as Json[]), ...(tx.inputs as Json[])]),
        'is too long',
      ],
      [
        'CREATE spending an output',
        (tx) => (((tx.inputs as Json[])[0] as Json).fulfills = { transaction_id: 'a'.repeat(64), output_index: 0 }),
        "{'transaction_id': '" + 'a'.repeat(64) + "', 'output_index': 0} is not of type 'null'",
      ],
      // the CREATE schema lists additionalProperties before required: the first error of equal relevance wins
      [
        'asset with id on a CREATE',
        (tx) => (tx.asset = { id: 'a'.repeat(64) }),
        "Additional properties are not allowed ('id' was unexpected)",
      ],
    ])('%s', async (_name, edit, message) => {
      const tx = base();
      edit(tx);
      const res = await post(node, withId(tx), 'async');
      expect(res.status).toBe(400);
      const body = JSON.parse(res.text) as { message: string; status: number };
      expect(body.status).toBe(400);
      expect(body.message.startsWith('Invalid transaction schema: ')).toBe(true);
      expect(body.message).toContain(message);
    });

    test('TRANSFER with asset data', async () => {
      const create = makeCreate(ALICE);
      const transfer = clone(
        makeTransfer([{ tx: create, index: 0 }], [output([BOB.public_key])], [ALICE.private_key]),
      ) as unknown as Json;
      transfer.asset = { data: { x: 1 } };
      await expect400(
        withId(transfer),
        "Invalid transaction schema: Additional properties are not allowed ('data' was unexpected)",
      );
    });
  });

  describe('key names and "language" (MongoDB restrictions)', () => {
    test('a key with a dot in asset data', async () => {
      await expect400(
        makeCreate(ALICE, { data: { car: { 'bad.key': 1 } } }),
        'Invalid transaction (ValidationError): Invalid key name "bad.key" in asset object. The key name cannot contain characters ".", "$" or null characters',
      );
    });
    test('a key starting with $ in metadata, nested in a list', async () => {
      await expect400(
        makeCreate(ALICE, { metadata: { list: [{ $where: 1 }] } }),
        'Invalid transaction (ValidationError): Invalid key name "$where" in metadata object. The key name cannot contain characters ".", "$" or null characters',
      );
    });
    test('an unsupported language', async () => {
      await expect400(
        makeCreate(ALICE, { data: { language: 'any' } }),
        'Invalid transaction (ValidationError): MongoDB does not support text search for the language "any". If you do not understand this error message then please rename key/field "language" to something else like "lang".',
      );
      expect((await post(node, makeCreate(ALICE, { data: { language: 'en' } }), 'commit')).status).toBe(202);
    });
  });

  describe('fulfillments and amounts (Transaction.from_dict)', () => {
    test('an unparseable fulfillment', async () => {
      const tx = clone(makeCreate(ALICE)) as unknown as Json;
      ((tx.inputs as Json[])[0] as Json).fulfillment = 'AAAA';
      await expect400(withId(tx), "Invalid transaction (InvalidSignature): Fulfillment URI couldn't been parsed");
    });
    test('amount 0', async () => {
      await expect400(
        makeCreate(ALICE, { outputs: [output([ALICE.public_key], '0')] }),
        'Invalid transaction (AmountError): `amount` must be greater than 0',
      );
    });
    test('amount above 9e18', async () => {
      await expect400(
        makeCreate(ALICE, { outputs: [output([ALICE.public_key], '9000000000000000001')] }),
        'Invalid transaction (AmountError): `amount` must be <= 9000000000000000000',
      );
    });
    test('condition details instead of a signature', async () => {
      const tx = clone(makeCreate(ALICE)) as unknown as Json;
      ((tx.inputs as Json[])[0] as Json).fulfillment = { type: 'ed25519-sha-256', public_key: ALICE.public_key };
      await expect400(withId(tx), 'Invalid transaction (InvalidSignature): Transaction signature is invalid.');
    });
    test('a forged signature', async () => {
      const tx = clone(makeCreate(ALICE));
      const other = makeCreate(ALICE);
      tx.inputs[0]!.fulfillment = other.inputs[0]!.fulfillment; // a valid signature, over another transaction
      await expect400(
        withId(tx as unknown as Json),
        'Invalid transaction (InvalidSignature): Transaction signature is invalid.',
      );
    });
  });

  describe('against the committed chain', () => {
    test('DuplicateTransaction for a committed CREATE', async () => {
      const tx = makeCreate(ALICE);
      expect((await post(node, tx, 'commit')).status).toBe(202);
      await expect400(tx, `Invalid transaction (DuplicateTransaction): transaction \`${tx.id}\` already exists`);
    });

    test('InputDoesNotExist, also for an input still in the mempool', async () => {
      const create = makeCreate(ALICE);
      const transfer = makeTransfer([{ tx: create, index: 0 }], [output([BOB.public_key])], [ALICE.private_key]);
      await expect400(transfer, `Invalid transaction (InputDoesNotExist): input \`${create.id}\` doesn't exist`);
    });

    test('DoubleSpend: already spent, and spending one output twice', async () => {
      const create = makeCreate(ALICE, { outputs: [output([ALICE.public_key], '2')] });
      expect((await post(node, create, 'commit')).status).toBe(202);
      const twice = makeTransfer(
        [
          { tx: create, index: 0 },
          { tx: create, index: 0 },
        ],
        [output([BOB.public_key], '4')],
        [ALICE.private_key],
      );
      await expect400(twice, `Invalid transaction (DoubleSpend): tx "${twice.id}" spends inputs twice`);
      const first = makeTransfer([{ tx: create, index: 0 }], [output([BOB.public_key], '2')], [ALICE.private_key]);
      expect((await post(node, first, 'commit')).status).toBe(202);
      const second = makeTransfer([{ tx: create, index: 0 }], [output([CAROL.public_key], '2')], [ALICE.private_key]);
      await expect400(second, `Invalid transaction (DoubleSpend): input \`${create.id}\` was already spent`);
      await expect400(first, `Invalid transaction (DoubleSpend): input \`${create.id}\` was already spent`); // a TRANSFER repost
    });

    test('AssetIdMismatch: wrong asset id, and inputs of two assets', async () => {
      const a = makeCreate(ALICE);
      const b = makeCreate(ALICE);
      for (const tx of [a, b]) expect((await post(node, tx, 'commit')).status).toBe(202);
      const wrong = makeTransfer([{ tx: a, index: 0 }], [output([BOB.public_key])], [ALICE.private_key], {
        assetId: b.id!,
      });
      await expect400(
        wrong,
        'Invalid transaction (AssetIdMismatch): The asset id of the input does not match the asset id of the transaction',
      );
      const mixed = makeTransfer(
        [
          { tx: a, index: 0 },
          { tx: b, index: 0 },
        ],
        [output([BOB.public_key], '2')],
        [ALICE.private_key],
      );
      await expect400(
        mixed,
        'Invalid transaction (AssetIdMismatch): All inputs of all transactions passed need to have the same asset id',
      );
    });

    test('AmountError: inputs and outputs must balance', async () => {
      const create = makeCreate(ALICE, { outputs: [output([ALICE.public_key], '10')] });
      expect((await post(node, create, 'commit')).status).toBe(202);
      const transfer = makeTransfer([{ tx: create, index: 0 }], [output([BOB.public_key], '20')], [ALICE.private_key]);
      await expect400(
        transfer,
        'Invalid transaction (AmountError): The amount used in the inputs `10` needs to be same as the amount used in the outputs `20`',
      );
    });

    test('InvalidSignature: a TRANSFER signed by someone who does not own the output', async () => {
      const create = makeCreate(ALICE);
      expect((await post(node, create, 'commit')).status).toBe(202);
      const unsigned = {
        ...makeTransfer([{ tx: create, index: 0 }], [output([BOB.public_key])], [ALICE.private_key]),
        id: null,
      };
      const byBob = bigchaindb.signTransaction(unsigned, [BOB.private_key], () => output([BOB.public_key]));
      await expect400(byBob, 'Invalid transaction (InvalidSignature): Transaction signature is invalid.');
    });

    test('an output index past the end crashes the real node (IndexError): 500', async () => {
      const create = makeCreate(ALICE);
      expect((await post(node, create, 'commit')).status).toBe(202);
      const transfer = makeTransfer(
        [{ tx: create, index: 0 }],
        [output([BOB.public_key])],
        [ALICE.private_key],
      ) as unknown as Json;
      ((transfer.inputs as Json[])[0] as { fulfills: { output_index: number } }).fulfills.output_index = 5;
      const res = await post(node, withId(transfer));
      expect(res.status).toBe(500);
    });
  });

  describe('quirks of the real node, kept so consumers are tested against them', () => {
    test("a CREATE's fulfillment key is not checked against owners_before", async () => {
      const unsigned = {
        ...makeCreate(ALICE),
        id: null,
        inputs: [{ owners_before: [ALICE.public_key], fulfills: null, fulfillment: null }],
      };
      const impostor = bigchaindb.signTransaction(unsigned, [CAROL.private_key], () => output([CAROL.public_key]));
      expect(impostor.inputs[0]!.owners_before).toEqual([ALICE.public_key]);
      expect((await post(node, impostor, 'commit')).status).toBe(202);
      const stored = JSON.parse((await http(`${node.apiUrl}transactions/${impostor.id}`)).text) as Tx;
      expect(stored.inputs[0]!.owners_before).toEqual([ALICE.public_key]);
    });

    test('the stored output uri is derived from the details, and amounts are re-stringified', async () => {
      const out = {
        ...output([ALICE.public_key], '007'),
        condition: {
          details: { public_key: ALICE.public_key, type: 'ed25519-sha-256' as const },
          uri: output([BOB.public_key]).condition.uri,
        },
      };
      const tx = makeCreate(ALICE, { outputs: [out] });
      expect((await post(node, tx, 'commit')).status).toBe(202);
      const stored = JSON.parse((await http(`${node.apiUrl}transactions/${tx.id}`)).text) as Tx;
      expect(stored.outputs[0]).toEqual({
        public_keys: [ALICE.public_key],
        condition: {
          details: { type: 'ed25519-sha-256', public_key: ALICE.public_key },
          uri: output([ALICE.public_key]).condition.uri,
        },
        amount: '7',
      });
    });

    test('the same CREATE posted twice at once with mode=commit: exactly one 202 (acceptance test_double_spend)', async () => {
      for (let round = 0; round < 5; round++) {
        const tx = makeCreate(ALICE);
        const answers = await Promise.all([post(node, tx, 'commit'), post(node, tx, 'commit')]);
        expect(answers.map((a) => a.status).sort()).toEqual([202, 400]);
        const refusal = answers.find((a) => a.status === 400)!.text;
        expect([
          error400('Internal error - Tx already exists in cache'),
          error400(`Invalid transaction (DuplicateTransaction): transaction \`${tx.id}\` already exists`),
        ]).toContain(refusal);
      }
    });

    test('the same transaction posted again while pending: Tx already exists in cache', async () => {
      const slow = await startTestNode({ blockIntervalMs: 60_000 });
      try {
        const tx = makeCreate(ALICE);
        expect((await post(slow, tx, 'async')).status).toBe(202);
        const again = await post(slow, tx, 'async');
        expect(again.text).toBe(error400('Internal error - Tx already exists in cache'));
      } finally {
        await slow.stop();
      }
    });

    test('two transfers of one output both accepted while pending; the second is dropped from the block (commit mode: 500)', async () => {
      const slow = await startTestNode({ blockIntervalMs: 60_000 });
      try {
        const create = makeCreate(ALICE);
        const created = post(slow, create, 'commit');
        await waitFor(() => slow.pending() === 1);
        slow.commitNow();
        expect((await created).status).toBe(202);
        const toBob = makeTransfer([{ tx: create, index: 0 }], [output([BOB.public_key])], [ALICE.private_key]);
        const toCarol = makeTransfer([{ tx: create, index: 0 }], [output([CAROL.public_key])], [ALICE.private_key]);
        const bob = post(slow, toBob, 'commit');
        const carol = post(slow, toCarol, 'commit');
        await waitFor(() => slow.pending() === 2);
        slow.commitNow();
        expect((await bob).status).toBe(202);
        const lost = await carol;
        expect(`${lost.status} ${lost.statusText}`).toBe('500 INTERNAL SERVER ERROR');
        expect(lost.text).toBe('{"message":"Transaction validation failed","status":500}\n');
        expect((await http(`${slow.apiUrl}transactions/${toCarol.id}`)).status).toBe(404);
        expect(JSON.parse((await http(`${slow.apiUrl}blocks/2`)).text)).toMatchObject({
          height: 2,
          transactions: [{ id: toBob.id }],
        });
      } finally {
        await slow.stop();
      }
    });
  });

  describe('several owners (threshold conditions)', () => {
    test('a 2-of-2 output is spent only with both signatures; outputs list both owners', async () => {
      const [BOB, CAROL] = [randomKeypair(), randomKeypair()];
      const create = makeCreate(ALICE, { outputs: [output([BOB.public_key, CAROL.public_key])] });
      expect((await post(node, create, 'commit')).status).toBe(202);
      for (const key of [BOB.public_key, CAROL.public_key]) {
        expect(JSON.parse((await http(`${node.apiUrl}outputs?public_key=${key}`)).text)).toEqual([
          { transaction_id: create.id, output_index: 0 },
        ]);
      }
      const both = makeTransfer(
        [{ tx: create, index: 0 }],
        [output([ALICE.public_key])],
        [BOB.private_key, CAROL.private_key],
      );
      expect((await post(node, both, 'commit')).status).toBe(202);
      expect(JSON.parse((await http(`${node.apiUrl}outputs?public_key=${BOB.public_key}&spent=true`)).text)).toEqual([
        { transaction_id: create.id, output_index: 0 },
      ]);
    });

    test('a 1-of-2 fulfillment for a 2-of-2 output is refused', async () => {
      const create = makeCreate(ALICE, { outputs: [output([BOB.public_key, CAROL.public_key])] });
      expect((await post(node, create, 'commit')).status).toBe(202);
      const oneOfTwo = {
        type: 'threshold-sha-256' as const,
        threshold: 1,
        subconditions: [
          { type: 'ed25519-sha-256' as const, public_key: BOB.public_key },
          { type: 'ed25519-sha-256' as const, public_key: CAROL.public_key },
        ],
      };
      const unsigned = makeTransfer(
        [{ tx: create, index: 0 }],
        [output([ALICE.public_key])],
        [BOB.private_key, CAROL.private_key],
      );
      const forged = bigchaindb.signTransaction({ ...unsigned, id: null }, [BOB.private_key], () => ({
        ...create.outputs[0]!,
        condition: { details: oneOfTwo, uri: '' },
      }));
      await expect400(forged, 'Invalid transaction (InvalidSignature): Transaction signature is invalid.');
    });
  });

  test('the CREATE vector itself is accepted in every mode with 202', async () => {
    const fresh = await startTestNode();
    try {
      expect((await post(fresh, CREATE_VECTOR, 'sync')).status).toBe(202);
      await fresh.waitForHeight(1);
      expect((await http(`${fresh.apiUrl}transactions/${CREATE_VECTOR.id}`)).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });
});
