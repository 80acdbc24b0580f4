import { useState, type FormEvent } from 'react';
import type { Role } from '../../../../../server/contracts/common.ts';
import { ErrorMessage, SuccessMessage } from '../../../lib/error-message.tsx';
import { i18n, useTranslation } from '../../../lib/i18n.ts';
import { ROLES, isRole } from '../../../lib/roles.ts';
import { MIN_PASSWORD_LENGTH, newUserProblems, type UserProblem } from '../api/user-rules.ts';
import { createUser } from '../api/users-api.ts';
import { useAction } from '../hooks/use-action.ts';

export function CreateUserForm({ onCreated }: { onCreated(): void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('nurse');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<UserProblem[]>([]);
  const action = useAction();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = newUserProblems({ username, displayName, password });
    setProblems(found);
    if (found.length > 0) {
      action.clear();
      return;
    }
    const created = await action.run(
      () => createUser({ username: username.trim(), displayName: displayName.trim(), role, password }),
      (user) => () => i18n.t('admin.users.created', { username: user.username }),
    );
    if (!created) return;
    setUsername('');
    setDisplayName('');
    setRole('nurse');
    setPassword('');
    onCreated();
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="create-user-title" data-testid="create-user-form" noValidate>
      <h2 id="create-user-title">{t('admin.users.createTitle')}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="new-user-username">{t('admin.users.username')}</label>
          <input
            id="new-user-username"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            minLength={2}
            maxLength={64}
            pattern="[a-z0-9._\-]+"
            aria-describedby="new-user-username-hint"
            aria-invalid={problems.includes('username') || undefined}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <span className="hint" id="new-user-username-hint">
            {t('admin.users.usernameHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="new-user-display-name">{t('admin.users.displayName')}</label>
          <input
            id="new-user-display-name"
            autoComplete="off"
            required
            maxLength={120}
            aria-invalid={problems.includes('displayName') || undefined}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-user-role">{t('admin.users.role')}</label>
          <select id="new-user-role" value={role} onChange={(e) => isRole(e.target.value) && setRole(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-user-password">{t('admin.users.password')}</label>
          <input
            id="new-user-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={256}
            aria-describedby="new-user-password-hint"
            aria-invalid={problems.includes('password') || undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <span className="hint" id="new-user-password-hint">
            {t('admin.users.passwordHint')}
          </span>
        </div>
      </div>
      {problems.length > 0 && (
        <div className="message message-error" role="alert">
          <ul>
            {problems.map((p) => (
              <li key={p}>{t(`admin.users.invalid.${p}`)}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorMessage error={action.error} />
      <SuccessMessage text={action.success ? action.success() : null} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {action.busy ? t('common.saving') : t('admin.users.create')}
        </button>
      </div>
    </form>
  );
}
