// POST /api/drivers/{driverKey}/claims: append one claim; re-rates every car the driver leases.
// 201 when added, 200 when the same claim was already recorded (a retry), 404 for an unknown driver,
// 409 when the stored profile is invalid or already holds the most claims a profile may.
import { app, type HttpHandler } from '@azure/functions';
import { claimWrittenOn } from '@lease-premium/events';
import { withAppServices, type AppServices } from '../app-services';
import { driverHistoryAppendHandler } from '../http/driver-history-append';

export function driverClaimsHandler(services: AppServices): HttpHandler {
  return driverHistoryAppendHandler(claimWrittenOn, 'claim', services.now, (driverKey, claim) => services.drivers.appendClaim(driverKey, claim));
}

app.http('driver-claims', {
  route: 'drivers/{driverKey}/claims',
  methods: ['POST'],
  authLevel: 'function',
  handler: withAppServices(driverClaimsHandler),
});
