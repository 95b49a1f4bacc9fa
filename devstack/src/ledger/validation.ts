// The checks a BigchainDB 2.2.2 node runs on POST /transactions, in its order and with its messages:
// Transaction.from_dict (id hash, schema, key names, "language" values, fulfillment parsing, amounts) and then
// Transaction.validate against committed state (duplicates, inputs, double spends, asset id, amounts,
// signatures). Quirk kept on purpose: a CREATE's fulfillment key is never compared with its owners_before.
import * as bigchaindb from '@lease-premium/bigchaindb';
import {
  NodeCrash,
  conditionUriOf,
  normalizeDetails,
  type OutputRef,
  type PostedTransaction,
} from './node-transaction';
import { pythonRepr } from './python-json';
import type { TransactionSchemaValidator } from './schema-validator';
import { signatureJobOf, type InputSignature } from './signature-check';
import type { SignatureVerifier } from './signature-verifier';
import { VALID_LANGUAGES } from './text-search';

type ConditionDetails = bigchaindb.ConditionDetails;

/** A refusal as the HTTP layer reports it: 400 with the real message, or 500 where the real node crashes. */
export interface Rejection {
  status: 400 | 500;
  message: string;
}

/** A posted transaction that passed from_dict: everything the state checks and the store need. */
export interface DecodedTransaction {
  posted: PostedTransaction;
  id: string;
  /** serialize(posted): the canonical text (sorted keys, compact), from the walk that checked the id. */
  canonicalText: string;
  operation: 'CREATE' | 'TRANSFER';
  assetId: string;
  /** Per input: parsed fulfillment's condition uri, signature verdict and re-encoding (signature-check.ts). */
  signatures: InputSignature[];
  outputs: { amount: bigint; details: ConditionDetails; uri: string; publicKeys: string[] | null }[];
  spends: OutputRef[];
}

/** What validation needs to know about a committed (or same-block) transaction. */
export interface KnownTransaction {
  operation: 'CREATE' | 'TRANSFER';
  assetId: string;
  outputs: readonly { amount: bigint; uri: string }[];
}

export interface ChainView {
  transaction(id: string): KnownTransaction | undefined;
  /** Id of the committed transaction spending this output, if any. */
  spender(transactionId: string, outputIndex: number): string | undefined;
}

const MAX_AMOUNT = 9n * 10n ** 18n;

const invalid = (kind: string, message: string): Rejection => ({
  status: 400,
  message: `Invalid transaction (${kind}): ${message}`,
});
const crash = (): Rejection => ({ status: 500, message: 'Internal Server Error' });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** validate_key over every nested key: MongoDB field names cannot start with $ or contain . or NUL. */
function badKey(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = isRecord(item) || Array.isArray(item) ? badKey(item) : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [key, nested] of Object.entries(value)) {
    if (key.startsWith('$') || key.includes('.') || key.includes('\u0000')) return key; // re.search(r'^[$]|\.|\x00', key)
    const found = badKey(nested);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** validate_language_key: every nested "language" value must be a language MongoDB text search knows. */
function badLanguage(value: unknown): { value: unknown } | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = badLanguage(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [key, nested] of Object.entries(value)) {
    if (key === 'language') {
      if (typeof nested !== 'string' || !VALID_LANGUAGES.has(nested)) return { value: nested };
    } else {
      const found = badLanguage(nested);
      if (found) return found;
    }
  }
  return undefined;
}

function languageMessage(value: unknown): string {
  const text = typeof value === 'string' ? value : pythonRepr(value);
  return (
    `MongoDB does not support text search for the language "${text}". If you do not understand this error message then ` +
    'please rename key/field "language" to something else like "lang".'
  );
}

function keyMessage(key: string, objectName: string): string {
  return `Invalid key name "${key}" in ${objectName} object. The key name cannot contain characters ".", "$" or null characters`;
}

/**
 * Transaction.from_dict(tx) with schema validation; returns the decoded transaction or the real node's refusal.
 * The transaction is serialized once (id text and signing prefix together); the verifier checks its signatures
 * (on worker threads when it has any).
 */
export async function decodeTransaction(
  body: unknown,
  schema: TransactionSchemaValidator,
  verifier: SignatureVerifier,
): Promise<DecodedTransaction | Rejection> {
  if (!isRecord(body)) return crash(); // tx_body['id'] on a list/str/number raises TypeError in the real node
  if (!Object.hasOwn(body, 'id')) return invalid('InvalidHash', 'No transaction id found!');
  const unsigned = body as unknown as bigchaindb.UnsignedTransaction;
  const texts = bigchaindb.transactionTexts(unsigned);
  const idCheck = bigchaindb.checkTransactionId(unsigned, texts);
  if (!idCheck.ok) return invalid(idCheck.error, idCheck.reason);

  const schemaCheck = schema.check(body);
  if (!schemaCheck.ok) return { status: 400, message: `Invalid transaction schema: ${schemaCheck.message}` };
  const tx = body as unknown as PostedTransaction;

  const asset = tx.asset as Record<string, unknown>;
  const assetKey = badKey(asset.data ?? {});
  if (assetKey !== undefined) return invalid('ValidationError', keyMessage(assetKey, 'asset'));
  const metadataKey = badKey(tx.metadata ?? {});
  if (metadataKey !== undefined) return invalid('ValidationError', keyMessage(metadataKey, 'metadata'));
  const assetLanguage = badLanguage(asset.data ?? {});
  if (assetLanguage) return invalid('ValidationError', languageMessage(assetLanguage.value));
  const metadataLanguage = badLanguage(tx.metadata ?? {});
  if (metadataLanguage) return invalid('ValidationError', languageMessage(metadataLanguage.value));

  if (tx.operation !== 'CREATE' && tx.operation !== 'TRANSFER') {
    return invalid(
      'ValidationError',
      `operation ${tx.operation} (validator elections and votes) is not supported by this local node`,
    );
  }

  const signatures = await verifier.check(signatureJobOf(tx, texts.signingText));
  for (const [i, input] of tx.inputs.entries()) {
    if (!Array.isArray(input.owners_before)) return crash(); // Input(): `owners_before` must be a list instance
    if (signatures[i]?.kind === 'unparseable')
      return invalid('InvalidSignature', "Fulfillment URI couldn't been parsed");
  }

  const outputs: DecodedTransaction['outputs'] = [];
  try {
    for (const output of tx.outputs) {
      const details = normalizeDetails(output.condition.details);
      const amount = BigInt(output.amount);
      if (amount < 1n) return invalid('AmountError', '`amount` must be greater than 0');
      if (amount > MAX_AMOUNT) return invalid('AmountError', `\`amount\` must be <= ${MAX_AMOUNT}`);
      outputs.push({ amount, details, uri: conditionUriOf(details), publicKeys: output.public_keys });
    }
  } catch (error) {
    if (error instanceof NodeCrash) return crash();
    throw error;
  }

  const operation = tx.operation;
  return {
    posted: tx,
    id: tx.id,
    canonicalText: `${texts.idText.slice(0, texts.idValueAt)}${JSON.stringify(tx.id)}${texts.idText.slice(texts.idValueAt + 4)}`,
    operation,
    assetId: operation === 'CREATE' ? tx.id : (tx.asset.id as string),
    signatures,
    outputs,
    spends: tx.inputs.flatMap((input) =>
      input.fulfills
        ? [{ transaction_id: input.fulfills.transaction_id, output_index: input.fulfills.output_index }]
        : [],
    ),
  };
}

/** Transactions already delivered into the block being built (DeliverTx's current_transactions). */
export interface BlockContext {
  ids: Set<string>;
  transactions: Map<string, KnownTransaction>;
  spends: Set<string>;
}

export const spendKey = (transactionId: string, outputIndex: number): string => `${transactionId}:${outputIndex}`;

/**
 * Transaction.validate(bigchain, current_transactions). With `verifySignatures` false only the checks that
 * depend on state run (a signature, once verified, stays valid): that is how CheckTx/DeliverTx re-validate here.
 */
export function validateAgainstChain(
  d: DecodedTransaction,
  chain: ChainView,
  block?: BlockContext,
  verifySignatures = true,
): Rejection | undefined {
  if (d.operation === 'CREATE') {
    if (chain.transaction(d.id) || block?.ids.has(d.id))
      return invalid('DuplicateTransaction', `transaction \`${d.id}\` already exists`);
    return verifySignatures ? checkSignatures(d, []) : undefined;
  }

  const spentOutputs: { amount: bigint; uri: string }[] = [];
  const inputAssetIds = new Set<string>();
  for (const ref of d.spends) {
    const inputTx = chain.transaction(ref.transaction_id) ?? block?.transactions.get(ref.transaction_id);
    if (!inputTx) return invalid('InputDoesNotExist', `input \`${ref.transaction_id}\` doesn't exist`);
    const committedSpender = chain.spender(ref.transaction_id, ref.output_index);
    const blockSpends = block?.spends.has(spendKey(ref.transaction_id, ref.output_index)) ?? false;
    if (committedSpender !== undefined && blockSpends)
      return invalid('DoubleSpend', `tx "${ref.transaction_id}" spends inputs twice`);
    if (committedSpender !== undefined || blockSpends)
      return invalid('DoubleSpend', `input \`${ref.transaction_id}\` was already spent`);
    const output = inputTx.outputs[ref.output_index];
    if (!output) return crash(); // IndexError in the real node
    spentOutputs.push(output);
    inputAssetIds.add(inputTx.assetId);
  }
  const links = new Set(d.spends.map((ref) => spendKey(ref.transaction_id, ref.output_index)));
  if (links.size !== d.spends.length) return invalid('DoubleSpend', `tx "${d.id}" spends inputs twice`);
  if (inputAssetIds.size > 1)
    return invalid('AssetIdMismatch', 'All inputs of all transactions passed need to have the same asset id');
  if ([...inputAssetIds][0] !== d.assetId)
    return invalid('AssetIdMismatch', 'The asset id of the input does not match the asset id of the transaction');
  const inputAmount = spentOutputs.reduce((sum, o) => sum + o.amount, 0n);
  const outputAmount = d.outputs.reduce((sum, o) => sum + o.amount, 0n);
  if (inputAmount !== outputAmount) {
    return invalid(
      'AmountError',
      `The amount used in the inputs \`${inputAmount}\` needs to be same as the amount used in the outputs \`${outputAmount}\``,
    );
  }
  return verifySignatures
    ? checkSignatures(
        d,
        spentOutputs.map((o) => o.uri),
      )
    : undefined;
}

/** _inputs_valid: each fulfillment validates over the v2 message; for TRANSFER its condition is the spent output's. */
function checkSignatures(d: DecodedTransaction, spentUris: string[]): Rejection | undefined {
  for (let i = 0; i < d.posted.inputs.length; i++) {
    const signature = d.signatures[i];
    if (signature?.kind !== 'parsed' || !signature.valid)
      return invalid('InvalidSignature', 'Transaction signature is invalid.');
    if (d.operation === 'TRANSFER' && signature.conditionUri !== spentUris[i])
      return invalid('InvalidSignature', 'Transaction signature is invalid.');
  }
  return undefined;
}
