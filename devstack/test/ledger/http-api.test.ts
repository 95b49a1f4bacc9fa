// The HTTP API against the real BigchainDB 2.2.2 documentation samples and wire format.
import * as bigchaindb from '@lease-premium/bigchaindb';
import type { LedgerNode } from '../../src/ledger';
import {
  ALICE,
  CREATE_VECTOR,
  TRANSFER1_VECTOR,
  TRANSFER2_VECTOR,
  http,
  makeCreate,
  post,
  sampleText,
  startTestNode,
  vector,
  vectorText,
} from './ledger-fixtures';

/** The JSON body of a docs .http sample (pretty-printed by the docs generator with indent=2, sort_keys=True). */
function sampleBody(name: string): string {
  const text = sampleText(name);
  return text.slice(text.indexOf('\n\n') + 2).trim();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
const pretty = (text: string): string => JSON.stringify(sortKeys(JSON.parse(text)), null, 2);

describe('ledger node HTTP API: the documentation samples', () => {
  let node: LedgerNode;
  beforeAll(async () => {
    node = await startTestNode({ advertisedStreamUrl: 'ws://localhost:9985/api/v1/streams/valid_transactions' });
    for (const tx of [CREATE_VECTOR, TRANSFER1_VECTOR, TRANSFER2_VECTOR])
      expect((await post(node, tx, 'commit')).status).toBe(202);
  });
  afterAll(() => node.stop());

  test('GET / is the sample root index, written by flask.jsonify (sorted, compact, newline)', async () => {
    const res = await http(node.rootUrl + '/');
    expect(res.status).toBe(200);
    expect(pretty(res.text)).toBe(sampleBody('index-response.http'));
    expect(res.text).toBe(`${JSON.stringify(sortKeys(vector('root-index.json')))}\n`);
  });

  test('GET /api/v1/ is the sample API index; the streams URL is the node own when not overridden', async () => {
    const res = await http(node.apiUrl);
    expect(res.text).toBe(`${JSON.stringify(vector('api-v1-index.json'))}\n`);
    expect(pretty(res.text)).toBe(sampleBody('api-index-response.http'));
    expect((await http(`${node.rootUrl}/api/v1`)).status).toBe(200);
    const plain = await startTestNode();
    try {
      expect(JSON.parse((await http(plain.apiUrl)).text)).toMatchObject({ streams: plain.streamUrl });
    } finally {
      await plain.stop();
    }
  });

  test('POST answers 202 ACCEPTED echoing the posted transaction (sample post-tx-response)', async () => {
    const fresh = await startTestNode();
    try {
      const res = await post(fresh, vectorText('tx-create-hello-bigchaindb.json'), 'async');
      expect(`${res.status} ${res.statusText}`).toBe('202 ACCEPTED');
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(pretty(res.text)).toBe(sampleBody('post-tx-response.http'));
      expect(res.text).toBe(`${JSON.stringify(sortKeys(CREATE_VECTOR))}\n`);
    } finally {
      await fresh.stop();
    }
  });

  test('the POST echo escapes non-ASCII like flask.jsonify, and an ASCII one is the canonical text', async () => {
    const fresh = await startTestNode();
    try {
      const accented = makeCreate(ALICE, {
        data: { city: 'Zürich', emoji: '\u{1F697}', del: '\u007f', ctl: '\u0001' },
      });
      const res = await post(fresh, accented, 'async');
      expect(res.status).toBe(202);
      expect(res.text).toContain('"city":"Z\\u00fcrich"');
      expect(res.text).toContain('"emoji":"\\ud83d\\ude97"');
      expect(res.text).toContain('"del":"\\u007f"');
      expect(res.text).toContain('"ctl":"\\u0001"');
      expect(JSON.parse(res.text)).toEqual(accented);
      const plain = makeCreate(ALICE, { metadata: { n: 1, z: [true, null, 'a "quoted" \\ text'] } });
      const plainRes = await post(fresh, plain, 'async');
      expect(plainRes.text).toBe(`${bigchaindb.serialize(plain)}\n`);
      expect(plainRes.text).toBe(`${JSON.stringify(sortKeys(plain))}\n`);
    } finally {
      await fresh.stop();
    }
  });

  test('GET /transactions/{id} returns each vector with the same content (sample get-tx-id-response)', async () => {
    for (const tx of [CREATE_VECTOR, TRANSFER1_VECTOR, TRANSFER2_VECTOR]) {
      const res = await http(`${node.apiUrl}transactions/${tx.id}`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual(tx);
    }
    expect(pretty((await http(`${node.apiUrl}transactions/${CREATE_VECTOR.id}`)).text)).toBe(
      sampleBody('get-tx-id-response.http'),
    );
  });

  test('GET bodies are flask-restful json.dumps: to_dict key order, ", " and ": " separators', async () => {
    const res = await http(`${node.apiUrl}transactions/${TRANSFER1_VECTOR.id}`);
    expect(Object.keys(JSON.parse(res.text) as object)).toEqual([
      'inputs',
      'outputs',
      'operation',
      'metadata',
      'asset',
      'version',
      'id',
    ]);
    expect(res.text).toMatch(
      /^\{"inputs": \[\{"owners_before": \["4K9sWUMF[^"]+"\], "fulfills": \{"transaction_id": "4957744b[0-9a-f]+", "output_index": 0\}, "fulfillment": "pGSA/,
    );
    expect(res.text).toContain('"condition": {"details": {"type": "ed25519-sha-256", "public_key": "3yfQPHeW');
    expect(res.text.endsWith('"id": "79ef6803210c941903d63d08b40fa17f0a5a04f11ac0ff04451553a187d97a30"}\n')).toBe(true);
  });

  test('GET /transactions?operation=TRANSFER&asset_id= is the sample list; no operation adds the CREATE; last_tx', async () => {
    const url = `${node.apiUrl}transactions?operation=TRANSFER&asset_id=${CREATE_VECTOR.id}`;
    expect(JSON.parse((await http(url)).text)).toEqual(JSON.parse(sampleBody('get-tx-by-asset-response.http')));
    expect(JSON.parse((await http(url)).text)).toEqual(vector('txs-transfer-by-asset.json'));
    const all = JSON.parse((await http(`${node.apiUrl}transactions?asset_id=${CREATE_VECTOR.id}`)).text) as {
      id: string;
    }[];
    expect(all.map((t) => t.id)).toEqual([CREATE_VECTOR.id, TRANSFER1_VECTOR.id, TRANSFER2_VECTOR.id]);
    const create = JSON.parse(
      (await http(`${node.apiUrl}transactions?asset_id=${CREATE_VECTOR.id!.toUpperCase()}&operation=create`)).text,
    ) as { id: string }[];
    expect(create.map((t) => t.id)).toEqual([CREATE_VECTOR.id]);
    const last = JSON.parse(
      (await http(`${node.apiUrl}transactions?asset_id=${CREATE_VECTOR.id}&last_tx=TRUE`)).text,
    ) as { id: string }[];
    expect(last.map((t) => t.id)).toEqual([TRANSFER2_VECTOR.id]);
    expect((await http(`${node.apiUrl}transactions?asset_id=${'0'.repeat(64)}`)).text).toBe('[]\n');
  });

  test('GET /blocks/1 and /blocks?transaction_id= are the samples', async () => {
    const block = await http(`${node.apiUrl}blocks/1`);
    expect(pretty(block.text)).toBe(sampleBody('get-block-response.http'));
    expect(JSON.parse(block.text)).toEqual(vector('block-height-1.json'));
    expect(block.text.startsWith('{"height": 1, "transactions": [{"inputs": ')).toBe(true);
    const byTx = await http(`${node.apiUrl}blocks?transaction_id=${CREATE_VECTOR.id}`);
    expect(pretty(byTx.text)).toBe(sampleBody('get-block-txid-response.http'));
    expect(byTx.text).toBe('[1]\n');
    expect((await http(`${node.apiUrl}blocks?transaction_id=nope`)).text).toBe('[]\n');
  });

  test('block 0 (InitChain) and every height up to the tip exist; above the tip is 404 NOT FOUND', async () => {
    expect((await http(`${node.apiUrl}blocks/0`)).text).toBe('{"height": 0, "transactions": []}\n');
    const above = await http(`${node.apiUrl}blocks/${node.height() + 1}`);
    expect(`${above.status} ${above.statusText}`).toBe('404 NOT FOUND');
    expect(above.text).toBe('{"message":"Not found","status":404}\n');
    expect((await http(`${node.apiUrl}blocks/abc`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  test('GET /outputs lists spent and unspent outputs of a key; spent=true/false filter', async () => {
    const bob = '3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9';
    expect((await http(`${node.apiUrl}outputs?public_key=${bob}`)).text).toBe(
      `[{"transaction_id": "${TRANSFER1_VECTOR.id}", "output_index": 0}]\n`,
    );
    expect(JSON.parse((await http(`${node.apiUrl}outputs?public_key=${bob}&spent=true`)).text)).toHaveLength(1);
    expect((await http(`${node.apiUrl}outputs?public_key=${bob}&spent=False`)).text).toBe('[]\n');
    const carol = '3Af3fhhjU6d9WecEM9Uw5hfom9kNEwE7YuDWdqAUssqm';
    expect(JSON.parse((await http(`${node.apiUrl}outputs?public_key=${carol}&spent=false`)).text)).toEqual([
      { transaction_id: TRANSFER2_VECTOR.id, output_index: 0 },
    ]);
  });

  test('GET /assets and /metadata search text, case-insensitively, with stemming, ids included', async () => {
    expect((await http(`${node.apiUrl}assets?search=hello`)).text).toBe(
      `[{"data": {"msg": "Hello BigchainDB!"}, "id": "${CREATE_VECTOR.id}"}]\n`,
    );
    expect(JSON.parse((await http(`${node.apiUrl}assets/?search=BIGCHAINDB&limit=1`)).text)).toHaveLength(1);
    expect(JSON.parse((await http(`${node.apiUrl}assets?search=${CREATE_VECTOR.id}`)).text)).toHaveLength(1);
    expect((await http(`${node.apiUrl}assets?search=-hello`)).text).toBe('[]\n');
    expect((await http(`${node.apiUrl}metadata?search=${TRANSFER1_VECTOR.id}`)).text).toBe(
      `[{"id": "${TRANSFER1_VECTOR.id}", "metadata": {"sequence": 1}}]\n`,
    );
  });

  test('GET /validators lists the validator set in the 2.2.2 shape', async () => {
    const validators = JSON.parse((await http(`${node.apiUrl}validators`)).text) as unknown[];
    expect(validators).toEqual([
      {
        public_key: { type: 'ed25519-base64', value: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) },
        voting_power: 10,
      },
    ]);
  });
});

describe('ledger node HTTP API: parameters, errors, CORS, methods', () => {
  let node: LedgerNode;
  beforeAll(async () => (node = await startTestNode()));
  afterAll(() => node.stop());

  test.each([
    [
      'transactions',
      '{"message": {"asset_id": "Missing required parameter in the JSON body or the post body or the query string"}}',
    ],
    ['transactions?asset_id=xyz', '{"message": {"asset_id": "Invalid hash"}}'],
    [
      `transactions?asset_id=${'a'.repeat(64)}&operation=burn`,
      '{"message": {"operation": "Operation must be \\"CREATE\\" or \\"TRANSFER\\""}}',
    ],
    [
      `transactions?asset_id=${'a'.repeat(64)}&last_tx=yes`,
      '{"message": {"last_tx": "Boolean value must be \\"true\\" or \\"false\\" (lowercase)"}}',
    ],
    [
      'outputs',
      '{"message": {"public_key": "Missing required parameter in the JSON body or the post body or the query string"}}',
    ],
    ['outputs?public_key=0OIl', '{"message": {"public_key": "Invalid base58 ed25519 key"}}'],
    [
      'outputs?public_key=3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9&spent=maybe',
      '{"message": {"spent": "Boolean value must be \\"true\\" or \\"false\\" (lowercase)"}}',
    ],
    [
      'outputs?public_key=3yfQPHeWAa1MxTX9Zf9176QqcpcnWcanVZZbaHb8B3h9&foo=1&bar=2',
      '{"message": "Unknown arguments: foo, bar"}',
    ],
    ['assets?search=', '{"message":"text_search cannot be empty","status":400}'],
    [
      'assets',
      '{"message": {"search": "Missing required parameter in the JSON body or the post body or the query string"}}',
    ],
    ['metadata?search=x&limit=ten', '{"message": {"limit": "invalid literal for int() with base 10: \'ten\'"}}'],
    [
      'blocks',
      '{"message": {"transaction_id": "Missing required parameter in the JSON body or the post body or the query string"}}',
    ],
    ['blocks?transaction_id=a&x=1', '{"message": "Unknown arguments: x"}'],
  ])('GET %s -> 400 BAD REQUEST %s', async (path, body) => {
    const res = await http(`${node.apiUrl}${path}`);
    expect(`${res.status} ${res.statusText}`).toBe('400 BAD REQUEST');
    expect(res.text).toBe(`${body}\n`);
  });

  test('a bad mode and a body that is not JSON get the flask-restful messages', async () => {
    const mode = await http(`${node.apiUrl}transactions?mode=fast`, { method: 'POST', body: '{}' });
    expect(mode.text).toBe('{"message": {"mode": "Mode must be \\"async\\", \\"sync\\" or \\"commit\\""}}\n');
    const garbage = await post(node, '{not json');
    expect(`${garbage.status} ${garbage.statusText}`).toBe('400 BAD REQUEST');
    expect(garbage.text).toBe(
      '{"message": "The browser (or proxy) sent a request that this server could not understand."}\n',
    );
  });

  test('unknown transaction: {"message":"Not found","status":404}', async () => {
    const res = await http(`${node.apiUrl}transactions/${'f'.repeat(64)}`);
    expect(`${res.status} ${res.statusText}`).toBe('404 NOT FOUND');
    expect(res.text).toBe('{"message":"Not found","status":404}\n');
  });

  test('URLs outside the API get the Werkzeug HTML 404 page', async () => {
    const res = await http(`${node.rootUrl}/api/wrong/transactions/transactionId`);
    expect(`${res.status} ${res.statusText}`).toBe('404 NOT FOUND');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<title>404 Not Found</title>');
  });

  test('a method a resource lacks is 405 METHOD NOT ALLOWED with Allow', async () => {
    const res = await http(`${node.apiUrl}blocks/1`, { method: 'DELETE' });
    expect(`${res.status} ${res.statusText}`).toBe('405 METHOD NOT ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(res.text).toBe('{"message": "The method is not allowed for the requested URL."}\n');
  });

  test('CORS as flask-cors: * without Origin, the Origin echoed with Vary otherwise, preflight answered', async () => {
    expect((await http(node.apiUrl)).headers.get('access-control-allow-origin')).toBe('*');
    const withOrigin = await http(node.apiUrl, { headers: { Origin: 'https://insurer.example' } });
    expect(withOrigin.headers.get('access-control-allow-origin')).toBe('https://insurer.example');
    expect(withOrigin.headers.get('vary')).toBe('Origin');
    const preflight = await http(`${node.apiUrl}transactions`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://insurer.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(preflight.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
  });

  test('HEAD answers the GET headers without a body', async () => {
    const res = await http(node.apiUrl, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(100);
    expect(res.text).toBe('');
  });

  test('the admin endpoint does not exist unless enabled', async () => {
    expect(node.adminUrl).toBeNull();
    expect((await http(`${node.rootUrl}/admin/faults`)).status).toBe(404);
  });
});
