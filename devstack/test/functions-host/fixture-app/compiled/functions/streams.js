'use strict';
// Large and streamed bodies.
const { app } = require('@azure/functions');
const { ReadableStream } = require('node:stream/web');
const { setTimeout: sleep } = require('node:timers/promises');

app.post('upload', {
  route: 'upload',
  handler: async (request) => {
    let bytes = 0;
    if (request.body) {
      for await (const chunk of request.body) bytes += chunk.length;
    }
    return { jsonBody: { bytes } };
  },
});

app.get('slowStream', {
  route: 'slow-stream',
  handler: () => {
    const stream = new ReadableStream({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('first;'));
        await sleep(400);
        controller.enqueue(new TextEncoder().encode('second'));
        controller.close();
      },
    });
    return { body: stream, headers: { 'content-type': 'text/plain' } };
  },
});
