// ESM because package.json "type" is "module".
import { app } from '@azure/functions';

app.get('greet', { route: 'greet/{name:alpha}', handler: (request) => ({ jsonBody: { hello: request.params.name, module: typeof require === 'undefined' ? 'esm' : 'cjs' } }) });
