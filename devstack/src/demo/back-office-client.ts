// A small typed client of the Function App's back-office API (the insurer's side), used by the
// demo, the load generator and the end-to-end tests. Responses are validated at this edge with
// the fields the API promises (issue 4); unknown extra fields pass through untouched.
import { type Claim, type DriverProfile, type Violation } from '@lease-premium/events';
import { z } from 'zod';

export const BreakdownLine = z
  .object({
    step: z.string(),
    coverage: z.string().optional(),
    factor: z.string().optional(),
    value: z.string(),
    amountMinor: z.number().optional(),
    source: z
      .object({ driverFact: z.string().optional(), tableRow: z.string().optional(), note: z.string().optional() })
      .loose(),
  })
  .loose();
export type BreakdownLine = z.infer<typeof BreakdownLine>;

/** GET /vehicles/{assetId}/premium: the car's current coverage; the rating fields only while a premium is in force. */
export const CurrentPremium = z
  .object({
    assetId: z.string(),
    status: z.enum(['registered', 'active', 'unrated', 'closed']),
    transactionId: z.string(),
    blockHeight: z.number(),
    driverKeys: z.array(z.string()),
    needsReview: z.boolean(),
    reviewReasons: z.array(z.string()),
    annualPremiumMinor: z.number().optional(),
    leaseTotalMinor: z.number().optional(),
    currency: z.string().optional(),
    tableVersion: z.string().optional(),
    transferDate: z.string().optional(),
    breakdown: z.array(BreakdownLine).optional(),
    recordId: z.string(),
    updatedAt: z.string(),
  })
  .loose();
export type CurrentPremium = z.infer<typeof CurrentPremium>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}${body ? ` ${body.slice(0, 300)}` : ''}`);
    this.name = 'ApiError';
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export class BackOfficeClient {
  constructor(
    /** e.g. http://127.0.0.1:7071/api */
    readonly baseUrl: string,
    private readonly functionKey: string,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Any call, keyed, with the raw outcome (tests assert on status codes and problem bodies). */
  async request(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    options: { key?: string | null; rawBody?: string; contentType?: string } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? this.functionKey : options.key;
    if (key !== null) headers['x-functions-key'] = key;
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  private async expectOk(method: string, pathAndQuery: string, body?: unknown): Promise<ApiResponse> {
    const response = await this.request(method, pathAndQuery, body);
    if (response.status < 200 || response.status > 299)
      throw new ApiError(response.status, response.text, `${method} ${pathAndQuery}`);
    return response;
  }

  async putDriver(driverKey: string, profile: DriverProfile): Promise<void> {
    await this.expectOk('PUT', `/drivers/${encodeURIComponent(driverKey)}`, profile);
  }

  async getDriver(driverKey: string): Promise<unknown> {
    return (await this.expectOk('GET', `/drivers/${encodeURIComponent(driverKey)}`)).json;
  }

  async addClaim(driverKey: string, claim: Claim): Promise<unknown> {
    return (await this.expectOk('POST', `/drivers/${encodeURIComponent(driverKey)}/claims`, claim)).json;
  }

  async addViolation(driverKey: string, violation: Violation): Promise<unknown> {
    return (await this.expectOk('POST', `/drivers/${encodeURIComponent(driverKey)}/violations`, violation)).json;
  }

  /** The car's current premium, or undefined while there is none (404). */
  async currentPremium(assetId: string): Promise<CurrentPremium | undefined> {
    const response = await this.request('GET', `/vehicles/${encodeURIComponent(assetId)}/premium`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new ApiError(response.status, response.text, `GET /vehicles/${assetId}/premium`);
    const parsed = CurrentPremium.safeParse(response.json);
    if (!parsed.success)
      throw new Error(`GET /vehicles/${assetId}/premium: unexpected body: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }

  /** Every page of the car's premium history, oldest first. */
  async premiumHistory(assetId: string): Promise<Record<string, unknown>[]> {
    return this.allPages(`/vehicles/${encodeURIComponent(assetId)}/premiums`);
  }

  /** Every page of the review queue. */
  async premiumsNeedingReview(): Promise<Record<string, unknown>[]> {
    return this.allPages('/premiums?needsReview=true');
  }

  private async allPages(first: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let next: string | undefined = first;
    for (let page = 0; next !== undefined && page < 1_000; page++) {
      const response = await this.expectOk('GET', next);
      const body = PagedBody.parse(response.json);
      items.push(...body.items);
      const token = body.continuationToken ?? undefined;
      next = token
        ? `${first}${first.includes('?') ? '&' : '?'}continuationToken=${encodeURIComponent(token)}`
        : undefined;
    }
    return items;
  }
}

const PagedBody = z
  .object({ items: z.array(z.record(z.string(), z.unknown())), continuationToken: z.string().nullable().optional() })
  .loose();
