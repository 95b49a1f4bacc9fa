'use strict';
// Routing, methods, auth levels, constraints.
const { app } = require('@azure/functions');

app.http('hello', {
  methods: ['GET'],
  handler: async (request, context) => {
    context.log('said hello to', request.query.get('name') ?? 'world');
    return { body: `Hello, ${request.query.get('name') ?? 'world'}` };
  },
});

app.get('itemById', {
  route: 'items/{id:int}',
  authLevel: 'function',
  handler: (request) => ({ jsonBody: { id: request.params.id, by: 'id' } }),
});

app.get('itemByName', {
  route: 'items/{name:alpha}',
  handler: (request) => ({ jsonBody: { name: request.params.name, by: 'name' } }),
});

app.get('products', {
  route: 'products/{category:alpha}/{id:int?}',
  handler: (request) => ({ jsonBody: { category: request.params.category, id: request.params.id ?? null } }),
});

app.get('files', {
  route: 'files/{*path}',
  handler: (request) => ({ body: `path=${request.params.path ?? ''}` }),
});

app.get('guidRoute', { route: 'guid/{id:guid}', handler: (request) => ({ body: request.params.id }) });
app.get('rangeRoute', { route: 'range/{n:range(1,10)}', handler: (request) => ({ body: request.params.n }) });
app.get('regexRoute', { route: 'codes/{code:regex(^[a-z]{{2}}\\d+$)}', handler: (request) => ({ body: request.params.code }) });
app.get('boolRoute', { route: 'flags/{on:bool}', handler: (request) => ({ body: request.params.on }) });
app.get('defaultRoute', { route: 'lang/{lang=en}', handler: (request) => ({ body: `lang=${request.params.lang}` }) });
app.get('complexRoute', { route: 'download/{name}.{ext:alpha}', handler: (request) => ({ jsonBody: request.params }) });

app.http('multi', {
  methods: ['GET', 'PUT'],
  route: 'multi',
  handler: (request) => ({ body: request.method }),
});

app.http('defaultMethods', { route: 'default-methods', handler: (request) => ({ body: request.method }) });

app.get('adminOnly', { route: 'secret', authLevel: 'admin', handler: () => ({ body: 'admin ok' }) });

app.timer('tick', { schedule: '0 0 * * * *', handler: () => undefined });
