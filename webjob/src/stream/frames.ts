// Frames of BigchainDB's valid_transactions stream: one per committed transaction.
// v2.x carries the block height; v1.x carried the block's hash id instead.
import { z } from 'zod';
import { LedgerId } from '@lease-premium/events';

export type StreamFrame =
  | { format: 'v2'; height: number; assetId: string; transactionId: string }
  | { format: 'v1'; blockId: string; assetId: string; transactionId: string };

const V2Frame = z.object({ height: z.int().min(0), asset_id: LedgerId, transaction_id: LedgerId });
const V1Frame = z.object({ block_id: z.string().min(1), asset_id: LedgerId, transaction_id: LedgerId });

/** Parses one text frame; undefined when it is neither shape (the caller counts and logs it). */
export function parseStreamFrame(text: string): StreamFrame | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const v2 = V2Frame.safeParse(json);
  if (v2.success)
    return { format: 'v2', height: v2.data.height, assetId: v2.data.asset_id, transactionId: v2.data.transaction_id };
  const v1 = V1Frame.safeParse(json);
  if (v1.success)
    return {
      format: 'v1',
      blockId: v1.data.block_id,
      assetId: v1.data.asset_id,
      transactionId: v1.data.transaction_id,
    };
  return undefined;
}
