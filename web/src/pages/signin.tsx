import { useState } from 'react';
import { ApiError, api } from '../api.js';
import type { Me } from '../replies.js';
import { Field, useSubmit } from '../ui.js';

/** Sign-in checks the token against the API before keeping it for this tab (sessionStorage). */
export function SignInPage({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const form = useSubmit(
    async () => {
      const t = token.trim();
      if (!t)
        throw new ApiError(
          400,
          'invalid',
          'Enter the token that `hashforge serve` printed, or one from `hashforge token create`.',
          'token',
        );
      await api<Me>('/api/auth/me', { token: t });
      return t;
    },
    (t) => onSignedIn(t),
  );
  return (
    <main className="signin" id="main">
      <form className="card" onSubmit={form.submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to HashForge</h1>
        <p className="muted">
          Paste an API token. <code>hashforge serve</code> prints the local admin's; an admin makes others
          with <code>hashforge token create</code>.
        </p>
        <Field
          label="Token"
          name="token"
          type="password"
          autoComplete="off"
          autoFocus
          value={token}
          onChange={(e) => setToken(e.target.value)}
          error={
            form.error
              ? form.error.status === 401
                ? 'This token is not valid: it may be mistyped or revoked.'
                : form.error.message
              : undefined
          }
        />
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
