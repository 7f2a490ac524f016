// Register and log in. Logging in asks for a cookie session (docs/api.md, "Browser
// sessions"): the refresh token stays in an HttpOnly cookie, the access token in memory.
import { useState, type FormEvent } from 'react';
import { api, session } from '../api/client';
import { problemWords } from '../api/problems';

async function logIn(email: string, password: string): Promise<string | null> {
  const { data, error } = await api.POST('/v1/auth/login', {
    body: { email, password, session: 'cookie' },
  });
  if (error || !data) return problemWords(error);
  session.set(data.accessToken);
  return null;
}

export function AuthPage() {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setMessage(null);
    if (mode === 'register') {
      const { error } = await api.POST('/v1/auth/register', {
        body: { email, password, name: String(form.get('name')) },
      });
      if (error) {
        setMessage(problemWords(error));
        setBusy(false);
        return;
      }
    }
    const failed = await logIn(email, password);
    if (failed) setMessage(failed);
    setBusy(false);
  };
  return (
    <main>
      <h1>{mode === 'login' ? 'Log in to Mini TNG' : 'Create your Mini TNG account'}</h1>
      <form onSubmit={(event) => void submit(event)}>
        {mode === 'register' && (
          <label>Name<input name="name" autoComplete="name" required maxLength={200} /></label>
        )}
        <label>E-mail<input name="email" type="email" autoComplete="email" required /></label>
        <label>
          Password
          <input name="password" type="password" required minLength={mode === 'register' ? 12 : 1}
            autoComplete={mode === 'register' ? 'new-password' : 'current-password'} />
        </label>
        <button type="submit" disabled={busy}>{mode === 'login' ? 'Log in' : 'Register'}</button>
      </form>
      {message && <p role="alert">{message}</p>}
      <p>
        {mode === 'login' ? 'New here? ' : 'Have an account? '}
        <button type="button" className="link"
          onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
          {mode === 'login' ? 'Create an account' : 'Log in instead'}
        </button>
      </p>
    </main>
  );
}
