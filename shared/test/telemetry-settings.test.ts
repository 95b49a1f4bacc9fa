// Telemetry settings: off unless a connection string is set; every bad value names its variable.
import { TelemetrySettingsError, telemetrySettings } from '../src/telemetry';

const CONNECTION =
  'InstrumentationKey=00000000-0000-4000-8000-000000000017;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
const CLIENT_ID = '11111111-2222-4333-8444-555555555555';

function failure(env: Record<string, string>): TelemetrySettingsError {
  try {
    telemetrySettings(env);
  } catch (error) {
    if (error instanceof TelemetrySettingsError) return error;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

describe('telemetrySettings', () => {
  it('is off without a connection string, whatever else is set', () => {
    expect(telemetrySettings({})).toBeUndefined();
    expect(
      telemetrySettings({
        APPLICATIONINSIGHTS_CONNECTION_STRING: '  ',
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
      }),
    ).toBeUndefined();
  });

  it('reads the connection string, Entra auth with a user-assigned or the system identity, and the metric interval', () => {
    expect(telemetrySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION })).toEqual({
      connectionString: CONNECTION,
      entra: undefined,
      metricIntervalMs: 60_000,
    });
    expect(
      telemetrySettings({
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${CLIENT_ID};Authorization=AAD`,
      }),
    ).toMatchObject({ entra: { clientId: CLIENT_ID } });
    expect(
      telemetrySettings({
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=aad',
      }),
    ).toMatchObject({ entra: { clientId: undefined } });
    expect(
      telemetrySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION, OTEL_METRIC_EXPORT_INTERVAL: '1000' }),
    ).toMatchObject({ metricIntervalMs: 1_000 });
  });

  it.each([
    [
      { APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://example.com/' },
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'must hold InstrumentationKey=<GUID>',
    ],
    [
      { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=not-a-guid' },
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'must hold InstrumentationKey=<GUID>',
    ],
    [
      { APPLICATIONINSIGHTS_CONNECTION_STRING: '00000000-0000-4000-8000-000000000017' },
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'is not Key=Value',
    ],
    [
      { APPLICATIONINSIGHTS_CONNECTION_STRING: `${CONNECTION};x=${'y'.repeat(2_100)}` },
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'at most 2048 characters',
    ],
    [
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=ikey',
      },
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      'must be "Authorization=AAD"',
    ],
    [
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=me',
      },
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      'ClientId must be a GUID',
    ],
    [
      { APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION, OTEL_METRIC_EXPORT_INTERVAL: '10' },
      'OTEL_METRIC_EXPORT_INTERVAL',
      'from 1000 to 3600000',
    ],
    [
      { APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION, OTEL_METRIC_EXPORT_INTERVAL: '1e4' },
      'OTEL_METRIC_EXPORT_INTERVAL',
      'from 1000 to 3600000',
    ],
  ])('refuses %j naming %s', (env, variable, message) => {
    const error = failure(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(message);
  });
});
