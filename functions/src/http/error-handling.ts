// The one place unexpected failures become HTTP: storage trouble -> 503 with Retry-After (callers
// retry), anything else -> 500 problem quoting the invocation id; the stack goes to the log only.
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ContentionError } from '../premium/contention-error';
import { InvalidContinuationTokenError } from '../storage/continuation-token';
import { StorageUnavailableError } from '../storage/storage-errors';
import { RETRY_TUNING } from '../tuning';
import { problem, validationProblem } from './problem';

export function withErrorHandling(
  handler: (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>,
): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error, context);
    }
  };
}

export function errorResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof InvalidContinuationTokenError) {
    return validationProblem(error.message, [{ path: 'continuationToken', message: error.message }]);
  }
  if (error instanceof StorageUnavailableError || error instanceof ContentionError) {
    context.warn(`${context.functionName} ${context.invocationId}: ${error.message}`);
    return problem(
      503,
      'storage-unavailable',
      'Storage temporarily unavailable',
      'nothing was lost; retry the request later',
      {
        headers: { 'retry-after': String(RETRY_TUNING.retryAfterSeconds) },
        invocationId: context.invocationId,
      },
    );
  }
  // Messages and stacks of our own code never carry dates of birth: profiles are not put in errors.
  context.error(
    `${context.functionName} ${context.invocationId}: unexpected error`,
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
  return problem(
    500,
    'internal',
    'Internal error',
    `an unexpected error occurred; quote invocation id ${context.invocationId}`,
    { invocationId: context.invocationId },
  );
}
