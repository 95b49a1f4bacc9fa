// What every check at the HTTP edge gives back: the checked value, or the answer to send instead.
import type { HttpResponseInit } from '@azure/functions';
import type { Result } from '@lease-premium/events';

export type HttpCheck<T> = Result<T, { response: HttpResponseInit }>;
