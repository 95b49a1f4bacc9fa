// Status lines and bodies as Werkzeug/Flask 1.1 write them: upper-case reason phrases ("404 NOT FOUND"),
// make_error bodies via flask.jsonify, and Werkzeug's HTML page for URLs no route owns.
import type { ServerResponse } from 'node:http';
import { flaskJsonify, restfulJson } from './python-json';

const REASONS: Record<number, string> = {
  200: 'OK',
  202: 'ACCEPTED',
  400: 'BAD REQUEST',
  404: 'NOT FOUND',
  405: 'METHOD NOT ALLOWED',
  413: 'REQUEST ENTITY TOO LARGE',
  500: 'INTERNAL SERVER ERROR',
  503: 'SERVICE UNAVAILABLE',
};

export interface HttpReply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const json = (status: number, body: string, headers?: Record<string, string>): HttpReply => ({
  status,
  body,
  headers,
});

/** views/base.py make_error: {"message": ..., "status": ...} through flask.jsonify. */
export function makeError(status: number, message?: string): HttpReply {
  return json(status, flaskJsonify({ message: message ?? (status === 404 ? 'Not found' : null), status }));
}

/** flask-restful's answer to an HTTP exception it handles: {"message": <description>}. */
export function restfulError(status: number, message: string, headers?: Record<string, string>): HttpReply {
  return json(status, restfulJson({ message }), headers);
}

export const INTERNAL_SERVER_ERROR = (): HttpReply => restfulError(500, 'Internal Server Error');
export const BAD_REQUEST_BODY = (): HttpReply =>
  restfulError(400, 'The browser (or proxy) sent a request that this server could not understand.');

/** Werkzeug 1.0's default 404 page (URLs outside every flask-restful Api are not JSON). */
export function htmlNotFound(): HttpReply {
  const body =
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
    '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
  return { status: 404, body, contentType: 'text/html; charset=utf-8' };
}

export function send(res: ServerResponse, reply: HttpReply, headOnly = false): void {
  // A string body goes out in the same write as the headers (a Buffer would need a second one).
  res.writeHead(reply.status, REASONS[reply.status] ?? 'UNKNOWN', {
    'Content-Type': reply.contentType ?? 'application/json',
    'Content-Length': String(Buffer.byteLength(reply.body, 'utf8')),
    ...reply.headers,
  });
  if (headOnly) res.end();
  else res.end(reply.body, 'utf8');
}
