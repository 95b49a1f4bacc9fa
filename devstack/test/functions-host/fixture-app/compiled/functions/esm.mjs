// An ES module entry point: loaded with import(), sharing the same @azure/functions instance.
import { app } from '@azure/functions';

app.get('esmHello', {
  route: 'esm/{name?}',
  handler: (request) => ({ body: `esm:${request.params.name ?? 'anonymous'}` }),
});
