// Runs every offline infrastructure check (no Azure, no Bicep compiler needed). Used by the jest
// suite tests/deploy/infra-check.test.ts (so `npm test` runs it) and by check-cli.ts.
import { join } from 'node:path';
import { WEBJOB_NAME, packageLayout } from '../layout';
import { type CheckResult, checkModuleCalls, checkOutputsAndNames, checkParametersFile, checkRoles, checkSettings, scanComponents } from './bicep-checks';
import { checkAzureYaml, checkDeployScript, checkWorkflows } from './pipeline-checks';

export { type CheckResult } from './bicep-checks';

export async function checkInfra(repoRoot: string): Promise<CheckResult[]> {
  const infraDir = join(repoRoot, 'infra');
  const layout = packageLayout(repoRoot);
  const scans = await scanComponents(repoRoot);
  return [
    await checkModuleCalls(infraDir),
    await checkParametersFile(infraDir),
    await checkSettings(repoRoot, scans),
    await checkRoles(repoRoot, scans),
    await checkOutputsAndNames(repoRoot, WEBJOB_NAME),
    await checkWorkflows(repoRoot, layout),
    await checkAzureYaml(repoRoot, layout),
    await checkDeployScript(repoRoot),
  ];
}

export function formatResults(results: CheckResult[]): string {
  return results
    .map((r) => `${r.problems.length === 0 ? 'ok  ' : 'FAIL'} ${r.check}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}${r.problems.map((p) => `\n       - ${p}`).join('')}`)
    .join('\n');
}
