// The local ledger node's fault-injection endpoint (on only in test stacks: --admin).
export class LedgerAdmin {
  constructor(private readonly adminUrl: string) {}

  private async post(action: string, query = ''): Promise<unknown> {
    const response = await fetch(`${this.adminUrl}/faults/${action}${query}`, {
      method: 'POST',
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`ledger admin ${action}: HTTP ${response.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Closes every WebSocket abruptly; resolves with how many were open. */
  async dropWebSockets(): Promise<number> {
    return ((await this.post('drop-websockets')) as { dropped: number }).dropped;
  }

  async refuseWebSockets(seconds: number): Promise<void> {
    await this.post('refuse-websockets', `?seconds=${seconds}`);
  }

  /** Blocks keep committing, but no frames are sent (those events are lost to subscribers). */
  async stallStream(seconds?: number): Promise<void> {
    await this.post('stall-stream', seconds === undefined ? '' : `?seconds=${seconds}`);
  }

  async clear(): Promise<void> {
    await this.post('clear');
  }

  async status(): Promise<{ height: number; transactions: number; subscribers: number }> {
    const response = await fetch(this.adminUrl.replace(/\/$/, '') + '/status', { signal: AbortSignal.timeout(10_000) });
    return (await response.json()) as { height: number; transactions: number; subscribers: number };
  }
}
