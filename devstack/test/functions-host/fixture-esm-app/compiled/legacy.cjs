'use strict';
// CommonJS despite "type": "module", because of the .cjs extension.
const { app } = require('@azure/functions');

app.get('legacy', { route: 'legacy', handler: () => ({ jsonBody: { module: typeof require === 'function' ? 'cjs' : 'esm' } }) });
