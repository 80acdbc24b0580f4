import { useState, type FormEvent } from 'react';
import type { AdminUserDto } from '../../../../../server/contracts/users.ts';
import { ErrorMessage, SuccessMessage } from '../../../lib/error-message.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, i18n, useTranslation } from '../../../lib/i18n.ts';
import { ROLES, isRole } from '../../../lib/roles.ts';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../api/user-rules.ts';
import { updateUser } from '../api/users-api.ts';
import { useAction } from '../hooks/use-action.ts';

const COLUMNS = 6;

interface UserRowProps {
  user: AdminUserDto;
  isSelf: boolean;
  onChanged(): void;
}

/** One user with its actions; a refusal from the server is shown under the row. */
export function UserRow({ user, isSelf, onChanged }: UserRowProps) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const action = useAction();
  const [resetting, setResetting] = useState(false);
  const [newPassword, setNewPassword] = useState('');
  const [passwordInvalid, setPasswordInvalid] = useState(false);
  const locked = user.lockedUntil !== null && new Date(user.lockedUntil).getTime() > Date.now();
  const rowId = `user-${user.id}`;

  async function changeRole(value: string) {
    if (!isRole(value) || value === user.role) return;
    const done = await action.run(
      () => updateUser(user.id, { role: value }),
      (u) => () => i18n.t('admin.users.roleChanged', { username: u.username }),
    );
    if (done) onChanged();
  }

  async function toggleActive() {
    const done = await action.run(
      () => updateUser(user.id, { active: !user.active }),
      (u) => () => i18n.t(u.active ? 'admin.users.activated' : 'admin.users.deactivated', { username: u.username }),
    );
    if (done) onChanged();
  }

  async function savePassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const invalid = passwordProblem(newPassword) !== null;
    setPasswordInvalid(invalid);
    if (invalid) return;
    const done = await action.run(
      () => updateUser(user.id, { password: newPassword }),
      (u) => () => i18n.t('admin.users.passwordChanged', { username: u.username }),
    );
    if (!done) return;
    setNewPassword('');
    setResetting(false);
    onChanged();
  }

  const showDetail = resetting || action.error !== undefined || action.success !== null;
  return (
    <>
      <tr data-testid={`user-row-${user.username}`} className={user.active ? undefined : 'row-inactive'}>
        <td>
          <span className="mono">{user.username}</span> {isSelf && <span className="muted">{t('admin.users.you')}</span>}
        </td>
        <td>{user.displayName}</td>
        <td>
          <select
            aria-label={t('admin.users.roleFor', { name: user.displayName })}
            value={user.role}
            disabled={action.busy}
            onChange={(e) => void changeRole(e.target.value)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </td>
        <td>
          <span className={`badge ${user.active ? 'badge-ok' : 'badge-off'}`}>{user.active ? t('common.active') : t('common.inactive')}</span>
          {locked && user.lockedUntil && (
            <span className="badge badge-warn">{t('admin.users.lockedUntil', { time: formatDateTime(user.lockedUntil, language) })}</span>
          )}
        </td>
        <td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt, language) : <span className="muted">{t('common.never')}</span>}</td>
        <td className="actions">
          <button type="button" className="button button-small" disabled={action.busy} onClick={() => void toggleActive()}>
            {user.active ? t('common.deactivate') : t('common.activate')}
          </button>
          <button
            type="button"
            className="button button-small"
            aria-expanded={resetting}
            aria-controls={`${rowId}-password`}
            onClick={() => {
              action.clear();
              setResetting((r) => !r);
            }}
          >
            {t('admin.users.resetPassword')}
          </button>
        </td>
      </tr>
      {showDetail && (
        <tr className="row-detail">
          <td colSpan={COLUMNS}>
            {resetting && (
              <form className="inline-form" id={`${rowId}-password`} onSubmit={savePassword} noValidate>
                <div className="field">
                  <label htmlFor={`${rowId}-new-password`}>{t('admin.users.newPasswordFor', { name: user.displayName })}</label>
                  <input
                    id={`${rowId}-new-password`}
                    type="password"
                    autoComplete="new-password"
                    required
                    minLength={MIN_PASSWORD_LENGTH}
                    maxLength={256}
                    aria-invalid={passwordInvalid || undefined}
                    value={newPassword}
                    onChange={(e) => setNewPassword(e.target.value)}
                  />
                  <span className={passwordInvalid ? 'hint hint-error' : 'hint'} role={passwordInvalid ? 'alert' : undefined}>
                    {passwordInvalid ? t('admin.users.invalid.password') : t('admin.users.passwordHint')}
                  </span>
                </div>
                <button type="submit" className="button button-primary" disabled={action.busy}>
                  {t('common.save')}
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setResetting(false);
                    setNewPassword('');
                    setPasswordInvalid(false);
                    action.clear();
                  }}
                >
                  {t('common.cancel')}
                </button>
              </form>
            )}
            <ErrorMessage error={action.error} />
            <SuccessMessage text={action.success ? action.success() : null} />
          </td>
        </tr>
      )}
    </>
  );
}
