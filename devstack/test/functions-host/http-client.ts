import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length), in two writes. */
  chunked?: boolean;
}

/** A plain node:http request (full control over framing, unlike fetch). */
export function send(baseUrl: string, spec: RawRequest): Promise<RawResponse> {
  const url = new URL(spec.path, baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...spec.headers };
    const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
    if (body !== undefined && !spec.chunked) headers['content-length'] = String(body.length);
    const req = request(url, { method: spec.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined && spec.chunked) {
      const half = Math.floor(body.length / 2);
      req.write(body.subarray(0, half));
      req.write(body.subarray(half));
    } else if (body !== undefined) {
      req.write(body);
    }
    req.end();
  });
}
