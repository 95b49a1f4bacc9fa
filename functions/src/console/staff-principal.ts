// Who is using the console, and with which role. In Azure, App Service authentication (Entra ID)
// signs the person in and forwards `x-ms-client-principal` (base64 JSON of their claims); the
// platform strips that header from incoming requests, so it is trusted ONLY when the platform's
// authentication is on (App Service sets WEBSITE_AUTH_ENABLED=True then). Locally there is no
// platform: a dev-only stand-in (a cookie naming the role) is accepted when CONSOLE_DEV_SIGN_IN is
// true and the process is not running on App Service.
// https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities
import { CONSOLE_ROLES, type ConsoleRole, type SignInMode, type StaffPrincipal } from './console-contract';

/** The page the platform's login returns to. */
export const CONSOLE_PATH = '/api/console/';
export const DEV_ROLE_COOKIE = 'console-dev-role';

type Env = Record<string, string | undefined>;

export function signInModeOf(env: Env): SignInMode {
  if (env.WEBSITE_AUTH_ENABLED?.toLowerCase() === 'true') {
    return {
      kind: 'entra-id',
      signInUrl: `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(CONSOLE_PATH)}`,
      signOutUrl: `/.auth/logout?post_logout_redirect_uri=${encodeURIComponent(CONSOLE_PATH)}`,
    };
  }
  // Never on App Service (WEBSITE_SITE_NAME is set there), whatever the setting says.
  if (env.CONSOLE_DEV_SIGN_IN === 'true' && !env.WEBSITE_SITE_NAME) return { kind: 'dev-sign-in' };
  return { kind: 'none' };
}

const MAX_PRINCIPAL_CHARS = 64 * 1024;

interface ClientPrincipal {
  auth_typ?: unknown;
  name_typ?: unknown;
  role_typ?: unknown;
  claims?: unknown;
}

export function isConsoleRole(value: unknown): value is ConsoleRole {
  return (CONSOLE_ROLES as readonly unknown[]).includes(value);
}

/** Decodes the platform's header; undefined when absent or not a principal. */
export function platformPrincipal(header: string | null): StaffPrincipal | undefined {
  if (!header || header.length > MAX_PRINCIPAL_CHARS) return undefined;
  let parsed: ClientPrincipal;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as ClientPrincipal;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.claims)) return undefined;
  const nameType = typeof parsed.name_typ === 'string' ? parsed.name_typ : 'name';
  const roleType = typeof parsed.role_typ === 'string' ? parsed.role_typ : 'roles';
  let name = '';
  const roles = new Set<ConsoleRole>();
  for (const claim of parsed.claims as unknown[]) {
    if (typeof claim !== 'object' || claim === null) continue;
    const { typ, val } = claim as { typ?: unknown; val?: unknown };
    if (typeof typ !== 'string' || typeof val !== 'string') continue;
    if (typ === nameType || (!name && (typ === 'name' || typ === 'preferred_username'))) name = val;
    if ((typ === roleType || typ === 'roles') && isConsoleRole(val)) roles.add(val);
  }
  return {
    name: name.slice(0, 200) || 'signed-in user',
    roles: CONSOLE_ROLES.filter((r) => roles.has(r)),
    via: 'entra-id',
  };
}

/** The local stand-in: the role named by the dev cookie. */
export function devPrincipal(cookieHeader: string | null): StaffPrincipal | undefined {
  const role = cookieValue(cookieHeader, DEV_ROLE_COOKIE);
  if (!role || !isConsoleRole(role)) return undefined;
  return { name: `local ${role}`, roles: [role], via: 'dev-sign-in' };
}

export function cookieValue(cookieHeader: string | null, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export function principalOf(
  mode: SignInMode,
  headers: { get(name: string): string | null },
): StaffPrincipal | undefined {
  if (mode.kind === 'entra-id') return platformPrincipal(headers.get('x-ms-client-principal'));
  if (mode.kind === 'dev-sign-in') return devPrincipal(headers.get('cookie'));
  return undefined;
}

/** Underwriters may do everything viewers may. */
export function mayAct(principal: StaffPrincipal, needed: ConsoleRole): boolean {
  return needed === 'viewer' ? principal.roles.length > 0 : principal.roles.includes('underwriter');
}
