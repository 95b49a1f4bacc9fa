'use strict';
// App setup and hooks (loaded first: `index.js` comes first in package.json "main").
const { writeFileSync } = require('node:fs');
const { app } = require('@azure/functions');

app.setup({ enableHttpStream: process.env.FIXTURE_HTTP_STREAM === 'true' });

// hookData is shared by hooks of the same scope: appStart -> appTerminate, preInvocation -> postInvocation.
let appStarted = false;
app.hook.appStart((context) => {
  context.hookData.startedAt = 'app-start-ran';
  appStarted = true;
});

app.hook.appTerminate((context) => {
  const file = process.env.FIXTURE_TERMINATE_FILE;
  if (file) {
    writeFileSync(file, JSON.stringify({ startedAt: context.hookData.startedAt }));
  }
});

app.hook.preInvocation((context) => {
  context.hookData.preRan = true;
  if (context.invocationContext.functionName === 'hookInfo') {
    const original = context.functionHandler;
    context.functionHandler = async (request, invocationContext) => {
      const response = await original(request, invocationContext);
      response.headers['x-app-start'] = appStarted ? 'yes' : 'no';
      return response;
    };
  }
});

app.hook.postInvocation((context) => {
  if (context.invocationContext.functionName === 'hookInfo' && context.result) {
    context.result.headers['x-post-invocation'] = context.hookData.preRan === true ? 'saw-pre' : 'no-pre';
  }
  if (context.error instanceof Error && context.error.message === 'recover me') {
    context.error = null;
    context.result = { status: 200, body: 'recovered by postInvocation' };
  }
});

app.hook.log((context) => {
  if (context.category === 'user' && context.message.includes('secret-token')) {
    context.message = context.message.replaceAll('secret-token', '[redacted]');
  }
});
