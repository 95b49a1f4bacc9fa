// Settings errors, shared by the WebJob and the Function App: each component reads its environment
// once at start and refuses to run with a message that names the variable at fault.

/** The environment as a component reads it (process.env, or a test's own object). */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';

  constructor(
    /** The environment variable at fault. */
    readonly variable: string,
    /** What is wrong with it, without its name. */
    readonly detail: string,
  ) {
    super(`${variable}: ${detail}`);
  }
}

/** A variable's trimmed value; unset and blank are both undefined. */
export function textSetting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * A ConfigError for `variable` from an error a parser threw; a parser that already named the
 * variable ("WEBHOOK_SECRETS: ...") is not named twice.
 */
export function configErrorOf(variable: string, error: unknown): ConfigError {
  const message = error instanceof Error ? error.message : String(error);
  return new ConfigError(variable, message.startsWith(`${variable}: `) ? message.slice(variable.length + 2) : message);
}
