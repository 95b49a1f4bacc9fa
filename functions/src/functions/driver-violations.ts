// POST /api/drivers/{driverKey}/violations: append one violation; re-rates every car the driver leases.
// 201 when added, 200 when the same violation was already recorded (a retry), 404 for an unknown
// driver, 409 when the stored profile is invalid or already holds the most violations a profile may.
import { app, type HttpHandler } from '@azure/functions';
import { violationWrittenOn } from '@lease-premium/events';
import { withAppServices, type AppServices } from '../app-services';
import { driverHistoryAppendHandler } from '../http/driver-history-append';

export function driverViolationsHandler(services: AppServices): HttpHandler {
  return driverHistoryAppendHandler(violationWrittenOn, 'violation', services.now, (driverKey, violation) =>
    services.drivers.appendViolation(driverKey, violation),
  );
}

app.http('driver-violations', {
  route: 'drivers/{driverKey}/violations',
  methods: ['POST'],
  authLevel: 'function',
  handler: withAppServices(driverViolationsHandler),
});
