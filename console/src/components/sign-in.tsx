// Signing in: Entra ID through App Service authentication in Azure; locally, the dev stand-in.
import { useState } from 'preact/hooks';
import { describeError, postJson } from '../api/client';
import type { ConsoleRole, ConsoleSession } from '../api/types';

export function SignIn({ session, onChange }: { session: ConsoleSession; onChange: () => void }) {
  const [error, setError] = useState<string>();
  const mode = session.signIn;
  const devSignIn = (role: ConsoleRole | null) => {
    postJson('dev-sign-in', { role }).then(onChange, (failure: unknown) => setError(describeError(failure)));
  };
  return (
    <section class="sign-in card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      {mode.kind === 'entra-id' ? (
        <>
          <p>
            Insurer staff sign in with their Microsoft Entra ID work account. Viewers read; underwriters also resolve
            reviews and record claims and violations.
          </p>
          <a class="button primary" href={mode.signInUrl}>
            Sign in with Microsoft
          </a>
        </>
      ) : null}
      {mode.kind === 'dev-sign-in' ? (
        <>
          <p class="dev-note" role="note">
            <strong>Local stack only.</strong> This stand-in replaces Entra ID sign-in on a developer machine; it is
            never enabled on App Service.
          </p>
          <div class="button-row">
            {session.roles.map((role) => (
              <button
                key={role}
                type="button"
                class={role === 'underwriter' ? 'primary' : ''}
                onClick={() => devSignIn(role)}
              >
                Sign in as {role}
              </button>
            ))}
          </div>
        </>
      ) : null}
      {mode.kind === 'none' ? (
        <p>Sign-in is not configured for this Function App: enable App Service authentication (see the README).</p>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

export function SignOut({ session, onChange }: { session: ConsoleSession; onChange: () => void }) {
  const principal = session.principal!;
  const mode = session.signIn;
  return (
    <div class="who">
      <span>
        {principal.name} · <span class="role-badge">{principal.roles.join(', ') || 'no role'}</span>
      </span>
      {mode.kind === 'entra-id' ? (
        <a class="button small" href={mode.signOutUrl}>
          Sign out
        </a>
      ) : (
        <button type="button" class="small" onClick={() => void postJson('dev-sign-in', { role: null }).then(onChange)}>
          Sign out
        </button>
      )}
    </div>
  );
}
