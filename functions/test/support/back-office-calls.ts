// The back-office API as the tests call it: each call through the real handler, its response checked
// against the OpenAPI document, and its logs checked for personal data (the test profiles' dates of birth).
import { driverClaimsHandler } from '../../src/functions/driver-claims';
import { driverViolationsHandler } from '../../src/functions/driver-violations';
import { driversHandler } from '../../src/functions/drivers';
import { get, invoke, sendJson, type Invocation, type TestApp } from './function-app';
import { expectDocumentedResponse } from './openapi-validator';

export type Method = 'get' | 'put' | 'post';

export async function documentedCall(
  path: string,
  method: Method,
  handler: ReturnType<typeof driversHandler>,
  request: Parameters<typeof invoke>[1],
): Promise<Invocation> {
  const response = await invoke(handler, request);
  expectDocumentedResponse(path, method, response);
  expect(response.logs.join('\n')).not.toMatch(/1985-04-12|1990-01-01/); // never log personal data
  return response;
}

/** `appOf`: the suite's app, read at each call (suites create it in beforeAll). */
export function driverCalls(appOf: () => TestApp) {
  const services = () => appOf().services;
  return {
    putDriver: (driverKey: string, body: unknown) =>
      documentedCall(
        '/drivers/{driverKey}',
        'put',
        driversHandler(services()),
        sendJson('PUT', `/drivers/${driverKey}`, { driverKey }, body),
      ),
    getDriver: (driverKey: string) =>
      documentedCall(
        '/drivers/{driverKey}',
        'get',
        driversHandler(services()),
        get(`/drivers/${driverKey}`, { driverKey }),
      ),
    postClaim: (driverKey: string, body: unknown) =>
      documentedCall(
        '/drivers/{driverKey}/claims',
        'post',
        driverClaimsHandler(services()),
        sendJson('POST', `/drivers/${driverKey}/claims`, { driverKey }, body),
      ),
    postViolation: (driverKey: string, body: unknown) =>
      documentedCall(
        '/drivers/{driverKey}/violations',
        'post',
        driverViolationsHandler(services()),
        sendJson('POST', `/drivers/${driverKey}/violations`, { driverKey }, body),
      ),
  };
}
