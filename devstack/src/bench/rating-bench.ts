// Rating engine micro-benchmark: rate() on the webhook benchmark's lease-start requests (one known
// driver, lease split in terms), no I/O. Prints the median CPU microseconds per rating (CPU time,
// not wall time: steadier on a loaded machine).
//
//   node devstack/dist/bench/rating-bench.js [--runs 7] [--ratings 2000] [--table us-illustrative]
import { planEvent } from '../../../functions/dist/premium/event-plan';
import { buildRatingRequest } from '../../../functions/dist/premium/rating-request';
import { builtInRateTableSet, isBuiltInRateTableId, rate } from '../../../functions/dist/rating';
import { spread } from './e2e/stats';
import { leaseStartEvent, newCar, randomPublicKey, sampleProfile } from './event-factory';

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const runs = Number(argument('runs', '7'));
const ratings = Number(argument('ratings', '2000'));
const tableId = argument('table', 'us-illustrative');
if (!isBuiltInRateTableId(tableId)) throw new Error(`--table: unknown built-in table ${tableId}`);
const tables = builtInRateTableSet(tableId);

const requests = Array.from({ length: 100 }, (_, i) => {
  const driverKey = randomPublicKey();
  const event = leaseStartEvent(newCar(), { blockHeight: 2, indexInBlock: i }, [driverKey]);
  const plan = planEvent(event, undefined);
  if (plan.kind !== 'premium') throw new Error('expected a premium plan');
  const profile = sampleProfile();
  return buildRatingRequest(plan.basis, plan.driverKeys, new Map([[driverKey, { driverKey, profile, revision: 1, updatedAt: '', etag: '' }]]));
});

const perRating: number[] = [];
for (let run = 0; run < runs + 2; run++) {
  const start = process.cpuUsage();
  for (let i = 0; i < ratings; i++) rate(requests[i % requests.length]!, tables);
  const used = process.cpuUsage(start);
  const us = (used.user + used.system) / ratings;
  if (run >= 2) perRating.push(us); // two warm-up runs
  console.log(`run ${run + 1}${run < 2 ? ' (warm-up)' : ''}: ${us.toFixed(0)} µs CPU per rating`);
}
console.log(`median of ${runs}: ${spread(perRating).median.toFixed(0)} µs CPU per rating (${tableId})`);
