'use strict';
// Bodies, headers, cookies, errors, empty results, hooks, settings, logs.
const { app, HttpResponse } = require('@azure/functions');

app.post('echo', {
  route: 'echo',
  handler: async (request) => {
    const text = await request.text();
    return new HttpResponse({
      status: 201,
      body: text,
      headers: {
        'content-type': request.headers.get('content-type') ?? 'text/plain',
        'x-echo-method': request.method,
        'x-request-cookie': request.headers.get('cookie') ?? '',
        'x-query-tag': request.query.get('tag') ?? '',
        'x-url': request.url,
      },
      cookies: [{ name: 'session', value: 'abc 123', httpOnly: true, sameSite: 'Strict', path: '/fx', maxAge: 60 }],
    });
  },
});

app.post('json', {
  route: 'json',
  handler: async (request) => {
    const body = await request.json();
    return { status: 202, jsonBody: { received: body } };
  },
});

app.get('throws', { route: 'throws', handler: () => { throw new Error('boom'); } });
app.get('throwsString', { route: 'throws-string', handler: () => { throw 'not an Error'; } });
app.get('recovers', { route: 'recovers', handler: () => { throw new Error('recover me'); } });
app.get('nothing', { route: 'nothing', handler: () => undefined });
app.get('badReturn', { route: 'bad-return', handler: () => 'a string is not an HTTP response' });
app.get('hookInfo', { route: 'hook-info', handler: () => ({ jsonBody: { ok: true }, headers: {} }) });

app.get('settings', {
  route: 'settings',
  handler: () => ({
    jsonBody: { greeting: process.env.FIXTURE_GREETING ?? null, overridden: process.env.FIXTURE_OVERRIDDEN ?? null, cwd: process.cwd() },
  }),
});

app.get('logs', {
  route: 'logs',
  handler: (request, context) => {
    context.log('plain log line');
    context.warn('a warning');
    context.error('an error line');
    context.info('token is secret-token');
    return { body: context.invocationId };
  },
});

// Fails after the response: an unhandled rejection ends the worker process (code 1), as on Azure.
app.get('crashLater', {
  route: 'crash-later',
  handler: () => {
    setTimeout(() => Promise.reject(new Error('late failure')), 50);
    return { body: 'crashing soon' };
  },
});

// Registering after startup is refused by the worker ("only during app startup"): the handler throws.
app.get('lateRegister', {
  route: 'late-register',
  handler: () => {
    app.get('tooLate', { handler: () => ({ body: 'never' }) });
    return { body: 'registered?' };
  },
});
