import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { usePageTitle } from '../../../lib/page-title.ts';
import type { UserDto } from '../../../../../server/contracts/auth.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { login } from '../api/auth-api.ts';

export type LoginNotice = 'logout' | 'deactivated' | 'password_changed' | 'expired';

interface LoginPageProps {
  onLoggedIn(user: UserDto): void;
  /** Why the previous session ended, when it ended by itself. */
  notice: LoginNotice | null;
}

export function LoginPage({ onLoggedIn, notice }: LoginPageProps) {
  const { t } = useTranslation();
  usePageTitle(t('login.title'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    usernameRef.current?.focus();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setError(undefined);
    const isMissing = !username.trim() || !password;
    setMissing(isMissing);
    if (isMissing) {
      (username.trim() ? passwordRef : usernameRef).current?.focus();
      return;
    }
    setBusy(true);
    try {
      const user = await login({ username: username.trim(), password });
      onLoggedIn(user);
    } catch (err) {
      setError(err);
      setPassword('');
      setBusy(false);
      passwordRef.current?.focus();
    }
  }

  return (
    <div className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title" tabIndex={-1}>
          {t('login.title')}
        </h1>
        <p className="muted">{t('login.intro')}</p>
        {notice && (
          <div className="message message-info" role="status">
            <p>{t(`login.ended.${notice}`)}</p>
          </div>
        )}
        <div className="field">
          <label htmlFor="login-username">{t('login.username')}</label>
          <input
            id="login-username"
            ref={usernameRef}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            ref={passwordRef}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={error === undefined && !missing ? undefined : 'login-error'}
          />
        </div>
        {missing && (
          <div className="message message-error" role="alert" id="login-error">
            <p>{t('login.missing')}</p>
          </div>
        )}
        <ErrorMessage error={error} id="login-error" />
        <button type="submit" className="button button-primary button-wide" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
