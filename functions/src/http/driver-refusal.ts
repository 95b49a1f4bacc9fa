// A driver change the stored state does not allow: 409 problem+json naming each issue.
import type { HttpResponseInit } from '@azure/functions';
import type { DriverChangeRefusal } from '../premium/driver-service';
import { problem } from './problem';

export function driverRefusalProblem(driverKey: string, refusal: DriverChangeRefusal): HttpResponseInit {
  if (refusal.refused === 'invalid-stored-record') {
    return problem(
      409,
      'invalid-stored-record',
      'Stored profile is not valid',
      `the stored profile of ${driverKey} fails validation; PUT /api/drivers/${driverKey} with a corrected profile first`,
      {
        errors: refusal.issues,
      },
    );
  }
  return problem(
    409,
    'profile-limit',
    'Change would break the profile rules',
    'the profile after this change would not be valid (e.g. more claims or violations than a profile holds)',
    {
      errors: refusal.issues,
    },
  );
}
