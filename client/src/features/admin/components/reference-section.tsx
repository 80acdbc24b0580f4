import { useState, type FormEvent } from 'react';
import type { AreaDto, TaskCodeDto } from '../../../../../server/contracts/reference.ts';
import { ErrorMessage, SuccessMessage } from '../../../lib/error-message.tsx';
import { i18n, useTranslation } from '../../../lib/i18n.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { createArea, createMunicipality, listAreas, listTaskCodes, putTaskCode, updateMunicipality } from '../api/reference-api.ts';
import { useAction } from '../hooks/use-action.ts';

const stateText = (active: boolean) => i18n.t(active ? 'common.active' : 'common.inactive');

/** Reference data: areas with their municipalities, and the task codes. */
export function ReferenceSection() {
  const { t } = useTranslation();
  const areas = useLoad(listAreas);
  const taskCodes = useLoad(listTaskCodes);
  return (
    <div className="section-body">
      <section className="card" aria-labelledby="areas-title">
        <h2 id="areas-title">{t('admin.reference.areasTitle')}</h2>
        <ErrorMessage error={areas.error} />
        {areas.loading && !areas.data && <p className="muted">{t('common.loading')}</p>}
        {areas.data && (
          <div className="area-grid">
            {areas.data.map((area) => (
              <AreaCard key={area.id} area={area} onChanged={areas.reload} />
            ))}
          </div>
        )}
        <AddAreaForm onAdded={areas.reload} />
      </section>
      <section className="card" aria-labelledby="task-codes-title">
        <h2 id="task-codes-title">{t('admin.reference.taskCodesTitle')}</h2>
        <ErrorMessage error={taskCodes.error} />
        {taskCodes.loading && !taskCodes.data && <p className="muted">{t('common.loading')}</p>}
        {taskCodes.data && (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="task-codes-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.reference.columns.code')}</th>
                  <th scope="col">{t('admin.reference.columns.nameFi')}</th>
                  <th scope="col">{t('admin.reference.columns.nameSv')}</th>
                  <th scope="col">{t('admin.reference.columns.nameEn')}</th>
                  <th scope="col">{t('admin.reference.columns.classes')}</th>
                  <th scope="col">{t('admin.reference.columns.dCallback')}</th>
                  <th scope="col">{t('admin.reference.columns.active')}</th>
                  <th scope="col">{t('admin.reference.columns.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {taskCodes.data.map((code) => (
                  <TaskCodeRow key={code.code} taskCode={code} onChanged={taskCodes.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function AreaCard({ area, onChanged }: { area: AreaDto; onChanged(): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const action = useAction();
  const inputId = `municipality-new-${area.id}`;

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return;
    const created = await action.run(
      () => createMunicipality(name.trim(), area.id),
      (m) => () => i18n.t('admin.reference.municipalityAdded', { name: m.name, area: area.name }),
    );
    if (!created) return;
    setName('');
    onChanged();
  }

  async function toggle(id: string, active: boolean, municipalityName: string) {
    const updated = await action.run(
      () => updateMunicipality(id, { active: !active }),
      (m) => () => i18n.t('admin.reference.municipalityToggle', { name: municipalityName, state: stateText(m.active) }),
    );
    if (updated) onChanged();
  }

  return (
    <article className="area-card" aria-labelledby={`area-${area.id}`}>
      <h3 id={`area-${area.id}`}>
        {area.name} {!area.active && <span className="badge badge-off">{t('common.inactive')}</span>}
      </h3>
      {area.municipalities.length === 0 ? (
        <p className="muted">{t('admin.reference.noMunicipalities')}</p>
      ) : (
        <ul className="chip-list">
          {area.municipalities.map((m) => (
            <li key={m.id} className={m.active ? 'chip' : 'chip chip-off'}>
              <span>{m.name}</span>
              <button
                type="button"
                className="chip-button"
                disabled={action.busy}
                aria-label={`${m.name}: ${m.active ? t('common.deactivate') : t('common.activate')}`}
                title={m.active ? t('common.deactivate') : t('common.activate')}
                onClick={() => void toggle(m.id, m.active, m.name)}
              >
                {m.active ? '✓' : '✕'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={add}>
        <div className="field">
          <label htmlFor={inputId}>{t('admin.reference.municipalityName', { area: area.name })}</label>
          <input id={inputId} autoComplete="off" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={action.busy || !name.trim()}>
          {t('admin.reference.addMunicipality')}
        </button>
      </form>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={action.success ? action.success() : null} />
    </article>
  );
}

function AddAreaForm({ onAdded }: { onAdded(): void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const action = useAction();

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return;
    const created = await action.run(
      () => createArea(name.trim()),
      (a) => () => i18n.t('admin.reference.areaAdded', { name: a.name }),
    );
    if (!created) return;
    setName('');
    onAdded();
  }

  return (
    <form className="add-area" onSubmit={add}>
      <div className="inline-form">
        <div className="field">
          <label htmlFor="new-area-name">{t('admin.reference.areaName')}</label>
          <input id="new-area-name" autoComplete="off" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={action.busy || !name.trim()}>
          {t('admin.reference.addArea')}
        </button>
      </div>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={action.success ? action.success() : null} />
    </form>
  );
}

function TaskCodeRow({ taskCode, onChanged }: { taskCode: TaskCodeDto; onChanged(): void }) {
  const { t } = useTranslation();
  const action = useAction();

  async function toggle() {
    const saved = await action.run(
      () => putTaskCode({ ...taskCode, active: !taskCode.active }),
      (c) => () => i18n.t('admin.reference.codeToggled', { code: c.code, state: stateText(c.active) }),
    );
    if (saved) onChanged();
  }

  return (
    <>
      <tr className={taskCode.active ? undefined : 'row-inactive'} data-testid={`task-code-${taskCode.code}`}>
        <td className="mono">{taskCode.code}</td>
        <td lang="fi">{taskCode.nameFi}</td>
        <td lang="sv">{taskCode.nameSv ?? <span className="muted">{t('admin.reference.noSwedishName')}</span>}</td>
        <td lang="en">{taskCode.nameEn}</td>
        <td className="mono">{taskCode.classesAllowed.join(' ')}</td>
        <td>{taskCode.dCallbackCandidate ? t('common.yes') : t('common.no')}</td>
        <td>
          <span className={`badge ${taskCode.active ? 'badge-ok' : 'badge-off'}`}>{stateText(taskCode.active)}</span>
        </td>
        <td className="actions">
          <button type="button" className="button button-small" disabled={action.busy} onClick={() => void toggle()}>
            {taskCode.active ? t('common.deactivate') : t('common.activate')}
          </button>
        </td>
      </tr>
      {(action.error !== undefined || action.success !== null) && (
        <tr className="row-detail">
          <td colSpan={8}>
            <ErrorMessage error={action.error} />
            <SuccessMessage text={action.success ? action.success() : null} />
          </td>
        </tr>
      )}
    </>
  );
}
