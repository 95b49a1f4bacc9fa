import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type FunctionKeys } from './keys';

/** The real host's default request body limit (HttpRequestBodySizeMiddleware): 100 MB. */
export const defaultBodySizeLimit = 104_857_600;

export interface HostConfig {
  routePrefix: string;
  bodySizeLimit: number;
  keysFromEnvironment: Partial<FunctionKeys>;
}

const hostJsonSchema = z
  .object({
    version: z.string().optional(),
    extensions: z
      .object({ http: z.object({ routePrefix: z.string().optional() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();

function readRoutePrefix(appRoot: string): string {
  let text: string;
  try {
    text = readFileSync(join(appRoot, 'host.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'api';
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${join(appRoot, 'host.json')} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = hostJsonSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${join(appRoot, 'host.json')} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.extensions?.http?.routePrefix ?? 'api';
}

/**
 * Reads host settings once, after local.settings.json has been applied to `env`:
 * host.json `extensions.http.routePrefix` (app setting `AzureFunctionsJobHost__extensions__http__routePrefix`
 * wins, as on the real host), `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT` (bytes), and the optional local keys.
 */
export function readHostConfig(appRoot: string, env: NodeJS.ProcessEnv): HostConfig {
  const prefixSetting = env.AzureFunctionsJobHost__extensions__http__routePrefix;
  const routePrefix = (prefixSetting ?? readRoutePrefix(appRoot)).replace(/^\/+|\/+$/g, '');
  const limitSetting = env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT;
  let bodySizeLimit = defaultBodySizeLimit;
  if (limitSetting !== undefined && limitSetting !== '') {
    if (!/^\d+$/.test(limitSetting) || Number(limitSetting) <= 0 || !Number.isSafeInteger(Number(limitSetting))) {
      throw new Error(
        `FUNCTIONS_REQUEST_BODY_SIZE_LIMIT must be a positive whole number of bytes, got "${limitSetting}"`,
      );
    }
    bodySizeLimit = Number(limitSetting);
  }
  const keysFromEnvironment: Partial<FunctionKeys> = {};
  if (env.FUNCTIONS_LOCAL_FUNCTION_KEY) keysFromEnvironment.functionKey = env.FUNCTIONS_LOCAL_FUNCTION_KEY;
  if (env.FUNCTIONS_LOCAL_MASTER_KEY) keysFromEnvironment.masterKey = env.FUNCTIONS_LOCAL_MASTER_KEY;
  return { routePrefix, bodySizeLimit, keysFromEnvironment };
}
