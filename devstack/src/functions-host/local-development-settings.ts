// What `npm run functions` and `npm run functions:local` supply on a fresh clone, where neither the
// environment nor local.settings.json (git-ignored) configures the app: local-development values, each
// named on the console, so the first run needs no setup and never stops at Core Tools' runtime menu.
// The hosts themselves supply nothing (Core Tools' rules); only these two commands do.
import path from 'node:path';
import { loadOrCreateLocalConfig } from '../stack/local-config';
import { isPortFree } from '../stack/ports';
import { coreToolsSettings } from './core-tools';
import { readLocalSettings } from './local-settings';

const developmentStorage = 'UseDevelopmentStorage=true';
/** Azurite's default table port, where UseDevelopmentStorage=true points. */
const developmentTablePort = 10002;

/**
 * The `wanted` settings that neither the environment (set and not empty) nor the app's
 * local.settings.json provide: what a caller must add for the app to start as configured.
 */
export function missingSettings(
  appRoot: string,
  env: NodeJS.ProcessEnv,
  wanted: Record<string, string>,
): Record<string, string> {
  const fromFile = readLocalSettings(appRoot).values;
  const missing: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted)) {
    if ((env[name] ?? '') === '' && (fromFile[name] ?? '') === '') missing[name] = value;
  }
  return missing;
}

export interface LocalDevelopmentSettings {
  /** Settings to add to the environment of the host. */
  supplied: Record<string, string>;
  /** What to tell the user (empty when nothing was supplied and storage answers). */
  notes: string[];
}

export async function localDevelopmentSettings(
  appRoot: string,
  env: NodeJS.ProcessEnv,
): Promise<LocalDevelopmentSettings> {
  const supplied = missingSettings(appRoot, env, {
    ...coreToolsSettings(developmentStorage),
    STORAGE_CONNECTION_STRING: developmentStorage,
    WEBHOOK_SECRETS: '',
  });
  // The per-machine secret `npm start` generates, created only when it is needed.
  if ('WEBHOOK_SECRETS' in supplied)
    supplied.WEBHOOK_SECRETS = (await loadOrCreateLocalConfig(path.join(appRoot, '.devstack'))).config.webhookSecret;
  const notes: string[] = [];
  const names = Object.keys(supplied);
  if (names.length > 0) {
    notes.push('Neither the environment nor local.settings.json sets these; using local-development values:');
    for (const name of names)
      notes.push(
        `  ${name}=${name === 'WEBHOOK_SECRETS' ? `the secret in ${path.join('.devstack', 'local-config.json')} (the one npm start uses)` : supplied[name]}`,
      );
    notes.push('  To choose your own, copy local.settings.json.example to local.settings.json and edit it.');
  }
  if (supplied.STORAGE_CONNECTION_STRING === developmentStorage && (await isPortFree(developmentTablePort))) {
    notes.push(
      `Nothing listens on 127.0.0.1:${developmentTablePort} (Azurite, where ${developmentStorage} points): start it (npx azurite --inMemoryPersistence), or run everything with npm start -- --func.`,
    );
  }
  return { supplied, notes };
}
