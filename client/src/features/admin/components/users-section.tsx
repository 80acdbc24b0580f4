import { useTranslation } from '../../../lib/i18n.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { useLoad } from '../../../lib/use-load.ts';
import { listUsers } from '../api/users-api.ts';
import { CreateUserForm } from './create-user-form.tsx';
import { UserRow } from './user-row.tsx';

/** Users: create one, and per user change the role, (de)activate, or set a new password. */
export function UsersSection({ currentUserId }: { currentUserId: string }) {
  const { t } = useTranslation();
  const users = useLoad(listUsers);
  return (
    <div className="section-body">
      <CreateUserForm onCreated={users.reload} />
      <section className="card" aria-labelledby="users-list-title">
        <h2 id="users-list-title">{t('admin.users.listTitle')}</h2>
        <ErrorMessage error={users.error} />
        {users.loading && !users.data && <p className="muted">{t('common.loading')}</p>}
        {users.data && users.data.length === 0 && <p className="muted">{t('admin.users.empty')}</p>}
        {users.data && users.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.users.columns.username')}</th>
                  <th scope="col">{t('admin.users.columns.displayName')}</th>
                  <th scope="col">{t('admin.users.columns.role')}</th>
                  <th scope="col">{t('admin.users.columns.status')}</th>
                  <th scope="col">{t('admin.users.columns.lastLogin')}</th>
                  <th scope="col">{t('admin.users.columns.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((user) => (
                  <UserRow key={user.id} user={user} isSelf={user.id === currentUserId} onChanged={users.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
