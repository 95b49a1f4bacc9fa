// The committed chain in memory: blocks by height and the indexes the HTTP API and validation query
// (what MongoDB's transactions/assets/metadata/blocks collections answer in a real node). Pure data, no I/O.
import * as bigchaindb from '@lease-premium/bigchaindb';
import { detailsHaveOwner, type NodeTransactionDict } from './node-transaction';
import { pythonJsonDumps } from './python-json';
import { textSearch, type SearchDocument } from './text-search';
import { spendKey, type ChainView, type KnownTransaction } from './validation';

export interface CommittedTransaction extends KnownTransaction {
  id: string;
  height: number;
  /** Commit order across the chain (MongoDB natural order). */
  sequence: number;
  /** json.dumps(tx.to_dict()): the exact GET body, without the trailing newline. */
  body: string;
  committedAt: number;
}

export interface CommittedBlock {
  height: number;
  transactionIds: string[];
  /** v1-style block id (sha3 of the block), used only by the v1 WebSocket frame format. */
  blockId: string;
}

export interface OutputLink {
  transaction_id: string;
  output_index: number;
}

export class ChainStore implements ChainView {
  private readonly transactions = new Map<string, CommittedTransaction>();
  private readonly spenders = new Map<string, string>();
  private readonly blocks: CommittedBlock[] = [];
  private readonly byAsset = new Map<string, string[]>();
  private readonly outputsByKey = new Map<string, string[]>();
  private readonly assetDocs: SearchDocument[] = [];
  private readonly metadataDocs: SearchDocument[] = [];
  private sequence = 0;

  constructor() {
    this.blocks.push(blockOf(0, [])); // InitChain stores an empty block at height 0
  }

  get height(): number {
    return this.blocks.length - 1;
  }

  get transactionCount(): number {
    return this.transactions.size;
  }

  transaction(id: string): CommittedTransaction | undefined {
    return this.transactions.get(id);
  }

  spender(transactionId: string, outputIndex: number): string | undefined {
    return this.spenders.get(spendKey(transactionId, outputIndex));
  }

  block(height: number): CommittedBlock | undefined {
    return this.blocks[height];
  }

  /** Appends the next block (height = current height + 1) with transactions already validated for it. */
  commit(transactions: readonly NodeTransactionDict[], committedAt: number): CommittedBlock {
    const height = this.blocks.length;
    for (const tx of transactions) this.index(tx, height, committedAt);
    const block = blockOf(
      height,
      transactions.map((t) => t.id),
    );
    this.blocks.push(block);
    return block;
  }

  private index(tx: NodeTransactionDict, height: number, committedAt: number): void {
    const texts = documentTexts(tx);
    const assetId = tx.operation === 'CREATE' ? tx.id : (tx.asset.id ?? '');
    this.transactions.set(tx.id, {
      id: tx.id,
      height,
      sequence: this.sequence++,
      operation: tx.operation,
      assetId,
      outputs: tx.outputs.map((o) => ({ amount: BigInt(o.amount), uri: o.condition.uri })),
      body: texts.body,
      committedAt,
    });
    for (const input of tx.inputs) {
      if (input.fulfills)
        this.spenders.set(spendKey(input.fulfills.transaction_id, input.fulfills.output_index), tx.id);
    }
    const assetList = this.byAsset.get(assetId);
    if (assetList) assetList.push(tx.id);
    else this.byAsset.set(assetId, [tx.id]);

    // get_owned_ids matches outputs.public_keys; the listed outputs are those whose *details* name the key.
    const owners = new Set(tx.outputs.flatMap((o) => o.public_keys ?? []));
    for (const owner of owners) {
      const links = tx.outputs.flatMap((o, index) =>
        detailsHaveOwner(o.condition.details, owner) ? [spendKey(tx.id, index)] : [],
      );
      if (links.length === 0) continue;
      const list = this.outputsByKey.get(owner);
      if (list) list.push(...links);
      else this.outputsByKey.set(owner, links);
    }
    if (tx.operation === 'CREATE') this.assetDocs.push({ text: texts.assetDoc() });
    this.metadataDocs.push({ text: texts.metadataDoc });
  }

  /** get_txids_filtered: {asset.id = a} or {id = a} (so a TRANSFER's own id matches too), natural order. */
  transactionsOfAsset(
    assetId: string,
    operation: 'CREATE' | 'TRANSFER' | undefined,
    lastOnly: boolean,
  ): CommittedTransaction[] {
    let found: CommittedTransaction[];
    if (operation === 'CREATE') {
      const create = this.transactions.get(assetId);
      found = create && create.operation === 'CREATE' ? [create] : [];
    } else {
      const ids = this.byAsset.get(assetId) ?? [];
      found = ids.map((id) => this.transactions.get(id)).filter((t): t is CommittedTransaction => t !== undefined);
      if (operation === 'TRANSFER') found = found.filter((t) => t.operation === 'TRANSFER');
      else {
        const self = this.transactions.get(assetId);
        if (self && self.operation === 'TRANSFER') found = [...found, self].sort((a, b) => a.sequence - b.sequence);
      }
    }
    return lastOnly ? found.slice(-1) : found;
  }

  /** get_outputs_filtered: spent true -> only spent, false -> only unspent, undefined -> all. */
  outputsOf(publicKey: string, spent: boolean | undefined): OutputLink[] {
    const links = this.outputsByKey.get(publicKey) ?? [];
    const selected = spent === undefined ? links : links.filter((link) => this.spenders.has(link) === spent);
    return selected.map((link) => {
      const colon = link.indexOf(':');
      return { transaction_id: link.slice(0, colon), output_index: Number(link.slice(colon + 1)) };
    });
  }

  /** get_block_containing_tx. */
  blocksContaining(transactionId: string): number[] {
    const tx = this.transactions.get(transactionId);
    return tx ? [tx.height] : [];
  }

  searchAssets(search: string, limit: number): string[] {
    return textSearch(this.assetDocs, search, limit).map((d) => d.text);
  }

  searchMetadata(search: string, limit: number): string[] {
    return textSearch(this.metadataDocs, search, limit).map((d) => d.text);
  }
}

/**
 * json.dumps of the stored transaction and of its assets/metadata collection documents. The asset and metadata
 * values are encoded once and spliced into all three (json.dumps output is context-free), instead of three
 * full encodings per transaction.
 */
const DICT_KEYS = 'inputs,outputs,operation,metadata,asset,version,id';

function documentTexts(tx: NodeTransactionDict): { body: string; metadataDoc: string; assetDoc: () => string } {
  const id = pythonJsonDumps(tx.id);
  const metadata = pythonJsonDumps(tx.metadata ?? null);
  const asset = pythonJsonDumps(tx.asset);
  // Joined, not template-concatenated: the stored strings stay flat (a rope of parts costs more heap per tx).
  const body =
    Object.keys(tx).join() === DICT_KEYS && Object.values(tx).every((v) => v !== undefined)
      ? [
          '{"inputs": ',
          pythonJsonDumps(tx.inputs),
          ', "outputs": ',
          pythonJsonDumps(tx.outputs),
          ', "operation": ',
          pythonJsonDumps(tx.operation),
          ', "metadata": ',
          metadata,
          ', "asset": ',
          asset,
          ', "version": ',
          pythonJsonDumps(tx.version),
          ', "id": ',
          id,
          '}',
        ].join('')
      : pythonJsonDumps(tx); // not in to_dict() shape: encode it as it is
  const assetKeys = Object.keys(tx.asset).filter((k) => (tx.asset as Record<string, unknown>)[k] !== undefined);
  return {
    body,
    metadataDoc: ['{"id": ', id, ', "metadata": ', metadata, '}'].join(''),
    // {...asset, id}: splice when the asset is exactly {data} (every CREATE the schema admits), else encode it.
    assetDoc: () =>
      assetKeys.length === 1 && assetKeys[0] === 'data'
        ? [asset.slice(0, -1), ', "id": ', id, '}'].join('')
        : pythonJsonDumps({ ...tx.asset, id: tx.id }),
  };
}

function blockOf(height: number, transactionIds: string[]): CommittedBlock {
  return {
    height,
    transactionIds,
    blockId: bigchaindb.sha3Hex(bigchaindb.serialize({ height, transactions: transactionIds })),
  };
}
