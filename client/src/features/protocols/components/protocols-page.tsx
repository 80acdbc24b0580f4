import { useState, type ChangeEvent, type FormEvent } from 'react';
import type { UserDto } from '../../../../../server/contracts/auth.ts';
import type { DispositionDto, ProtocolDetail, ProtocolVersionDto } from '../../../../../server/contracts/protocols.ts';
import { ErrorMessage, SuccessMessage } from '../../../lib/error-message.tsx';
import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { useAction } from '../../admin/hooks/use-action.ts';
import { approveVersion, retireVersion, createProtocol, exportProtocols, getProtocol, importProtocols, listDispositions, listProtocols, relabelDisposition, saveDraft } from '../api/protocols-api.ts';
import { ExampleBanner } from './example-banner.tsx';
import './protocols.css';

const parseCodes = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** JSON typed by a person: parsed here, validated by the server (which names the path of every problem). */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function InvalidJson({ shown }: { shown: boolean }) {
  const { t } = useTranslation();
  return shown ? (
    <p className="message message-error" role="alert">
      {t('protocols.admin.invalidJson')}
    </p>
  ) : null;
}

/** An action whose input is typed JSON: invalid JSON is shown at once and nothing is sent. */
function useJsonAction() {
  const action = useAction();
  const [badJson, setBadJson] = useState(false);
  return {
    action,
    badJson,
    send<T>(text: string, request: (content: unknown) => Promise<T>, done: (result: T) => (() => string) | void) {
      const parsed = parseJson(text);
      setBadJson(!parsed.ok);
      if (parsed.ok) void action.run(() => request(parsed.value), done);
    },
  };
}

/** The task codes and the JSON content of a protocol version, as both protocol forms edit them. */
function ContentFields({ prefix, codes, onCodes, text, onText, rows }: { prefix: string; codes: string | null; onCodes(v: string): void; text: string; onText(v: string): void; rows: number }) {
  const { t } = useTranslation();
  return (
    <>
      {codes !== null && (
        <div className="field">
          <label htmlFor={`${prefix}-codes`}>{t('protocols.admin.createCodes')}</label>
          <input id={`${prefix}-codes`} value={codes} onChange={(e) => onCodes(e.target.value)} />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${prefix}-content`}>{t('protocols.admin.editDraft')}</label>
        <textarea id={`${prefix}-content`} rows={rows} value={text} onChange={(e) => onText(e.target.value)} spellCheck={false} />
      </div>
    </>
  );
}

/** The protocol library for admins and the medical director: the ladder, protocols, drafts, approval, import/export. */
export function ProtocolsPage({ user }: { user: UserDto }) {
  const { t } = useTranslation();
  const list = useLoad((signal) => listProtocols(signal));
  const [openId, setOpenId] = useState<string | null>(null);
  const language = currentLanguage();
  const transfer = useAction();
  const [badFile, setBadFile] = useState(false);

  async function download() {
    const set = await transfer.run(exportProtocols);
    if (!set) return;
    const url = URL.createObjectURL(new Blob([JSON.stringify(set, null, 2)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'protocol-set.json';
    link.click();
    URL.revokeObjectURL(url);
  }

  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const parsed = parseJson(await file.text());
    setBadFile(!parsed.ok);
    if (!parsed.ok) return;
    await transfer.run(
      () => importProtocols(parsed.value),
      (result) => {
        list.reload();
        return () => t('protocols.admin.imported', { count: result.drafts.length });
      },
    );
  }

  return (
    <section className="page protocol-admin" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('protocols.admin.title')}
      </h1>
      <p className="muted">{t('protocols.admin.intro')}</p>
      {list.data?.some((p) => p.example) && <ExampleBanner />}
      {user.role === 'admin' && <LadderSection />}

      <section className="card" aria-labelledby="protocols-title">
        <h2 id="protocols-title">{t('protocols.admin.protocols')}</h2>
        <ErrorMessage error={list.error} />
        {list.data && (
          <div className="table-wrap">
            <table className="table table-compact" data-testid="protocols-table">
              <thead>
                <tr>
                  <th scope="col">{t('protocols.admin.createId')}</th>
                  <th scope="col">{t('protocols.panel.title')}</th>
                  <th scope="col">{t('protocols.admin.codes')}</th>
                  <th scope="col">{t('protocols.admin.approved')}</th>
                  <th scope="col">{t('protocols.admin.draft')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.data.map((p) => (
                  <tr key={p.id} data-testid={`protocol-row-${p.id}`}>
                    <td className="mono">{p.id}</td>
                    <td>{p.title[language]}</td>
                    <td>{p.generic ? t('protocols.admin.generic') : p.taskCodes.join(', ')}</td>
                    <td>{p.approvedVersion ?? t('protocols.admin.none')}</td>
                    <td>{p.draftVersion ?? t('protocols.admin.none')}</td>
                    <td>
                      <button type="button" className="button button-small" onClick={() => setOpenId(p.id)}>
                        {t('protocols.admin.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={() => void download()} disabled={transfer.busy}>
            {t('protocols.admin.export')}
          </button>
          <label className="button">
            {t('protocols.admin.import')}
            <input type="file" accept="application/json,.json" className="visually-hidden" onChange={(e) => void upload(e)} data-testid="import-file" />
          </label>
        </div>
        <InvalidJson shown={badFile} />
        <ErrorMessage error={transfer.error} />
        <SuccessMessage text={transfer.success?.() ?? null} />
      </section>

      {openId && <ProtocolEditor key={openId} id={openId} canApprove={user.role === 'medical_director'} onChanged={list.reload} />}
      <CreateProtocol onCreated={(id) => { list.reload(); setOpenId(id); }} />
    </section>
  );
}

function LadderSection() {
  const { t } = useTranslation();
  const ladder = useLoad((signal) => listDispositions(signal));
  return (
    <section className="card" aria-labelledby="ladder-title">
      <h2 id="ladder-title">{t('protocols.admin.ladder')}</h2>
      <ErrorMessage error={ladder.error} />
      <ol data-testid="ladder">
        {ladder.data?.map((d) => <LadderRow key={d.id} rung={d} />)}
      </ol>
    </section>
  );
}

function LadderRow({ rung }: { rung: DispositionDto }) {
  const { t } = useTranslation();
  const [labels, setLabels] = useState(rung.labels);
  const action = useAction();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void action.run(() => relabelDisposition(rung.id, labels), () => () => t('protocols.admin.saved'));
  }
  return (
    <li data-testid={`rung-${rung.id}`}>
      <form className="form-inline" onSubmit={submit}>
        <span className="mono">{rung.id}</span> ({rung.outcomeType})
        {(['fi', 'sv', 'en'] as const).map((lang) => (
          <label key={lang}>
            {lang}{' '}
            <input value={labels[lang]} maxLength={200} onChange={(e) => setLabels({ ...labels, [lang]: e.target.value })} />
          </label>
        ))}
        <button type="submit" className="button button-small" disabled={action.busy}>
          {t('protocols.admin.ladderSave')}
        </button>
      </form>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={action.success?.() ?? null} />
    </li>
  );
}

function ProtocolEditor({ id, canApprove, onChanged }: { id: string; canApprove: boolean; onChanged(): void }) {
  const { t } = useTranslation();
  const loaded = useLoad((signal) => getProtocol(id, signal), id);
  const [protocol, setProtocol] = useState<ProtocolDetail | null>(null);
  const shown = protocol ?? loaded.data ?? null;
  if (!shown) return <ErrorMessage error={loaded.error} />;
  const changed = (next: ProtocolDetail) => {
    setProtocol(next);
    onChanged();
  };
  return (
    <section className="card" aria-labelledby="protocol-editor-title" data-testid="protocol-editor">
      <h2 id="protocol-editor-title">
        <span className="mono">{shown.id}</span> · {t('protocols.admin.versions')}
      </h2>
      <ul data-testid="versions">
        {shown.versions.map((v) => (
          <VersionLine key={v.version} protocolId={shown.id} version={v} canApprove={canApprove} onApproved={changed} />
        ))}
      </ul>
      <DraftForm key={JSON.stringify(shown.versions.map((v) => [v.version, v.status]))} protocol={shown} onSaved={changed} />
    </section>
  );
}

function VersionLine({ protocolId, version, canApprove, onApproved }: { protocolId: string; version: ProtocolVersionDto; canApprove: boolean; onApproved(next: ProtocolDetail): void }) {
  const { t } = useTranslation();
  const action = useAction();
  return (
    <li data-testid={`version-${version.version}`} data-status={version.status}>
      v{version.version}: {t(`protocols.admin.status.${version.status}`)} · {t('protocols.admin.questions', { count: version.content.questions.length })}
      {version.approvedBy && ` · ${t('protocols.admin.approvedBy')}: ${version.approvedBy}`}
      {version.approvedAt && ` ${new Date(version.approvedAt).toLocaleString()}`}
      {version.example && ` · ${t('protocols.example.title')}`}
      {version.status === 'draft' && canApprove && (
        <button type="button" className="button button-primary button-small" disabled={action.busy} onClick={() => void action.run(() => approveVersion(protocolId, version.version), onApproved)}>
          {t('protocols.admin.approve', { version: version.version })}
        </button>
      )}
      {version.status === 'approved' && canApprove && (
        <button type="button" className="button button-small" disabled={action.busy} onClick={() => void action.run(() => retireVersion(protocolId, version.version), onApproved)}>
          {t('protocols.admin.retire', { version: version.version })}
        </button>
      )}
      <ErrorMessage error={action.error} />
    </li>
  );
}

function DraftForm({ protocol, onSaved }: { protocol: ProtocolDetail; onSaved(next: ProtocolDetail): void }) {
  const { t } = useTranslation();
  const draft = protocol.versions.find((v) => v.status === 'draft');
  const base = draft ?? protocol.versions.find((v) => v.status === 'approved') ?? protocol.versions[protocol.versions.length - 1];
  const [text, setText] = useState(() => JSON.stringify(base?.content ?? {}, null, 2));
  const [codes, setCodes] = useState(protocol.taskCodes.join(', '));
  const { action, badJson, send } = useJsonAction();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send(
      text,
      (content) => saveDraft(protocol.id, { ...(draft ? { version: draft.version } : {}), ...(protocol.generic ? {} : { taskCodes: parseCodes(codes) }), content }),
      (next) => {
        onSaved(next);
        return () => t('protocols.admin.saved');
      },
    );
  }
  return (
    <form onSubmit={submit} data-testid="draft-form">
      <h3>{draft ? `${t('protocols.admin.draft')} v${draft.version}` : t('protocols.admin.newDraft')}</h3>
      <ContentFields prefix="draft" codes={protocol.generic ? null : codes} onCodes={setCodes} text={text} onText={setText} rows={18} />
      <InvalidJson shown={badJson} />
      <ErrorMessage error={action.error} />
      <SuccessMessage text={action.success?.() ?? null} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {t('protocols.admin.saveDraft')}
        </button>
      </div>
    </form>
  );
}

function CreateProtocol({ onCreated }: { onCreated(id: string): void }) {
  const { t } = useTranslation();
  const [id, setId] = useState('');
  const [codes, setCodes] = useState('');
  const [text, setText] = useState('');
  const { action, badJson, send } = useJsonAction();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send(text, (content) => createProtocol({ id, generic: false, taskCodes: parseCodes(codes), content }), (created) => onCreated(created.id));
  }
  return (
    <section className="card" aria-labelledby="create-protocol-title">
      <h2 id="create-protocol-title">{t('protocols.admin.create')}</h2>
      <form onSubmit={submit} data-testid="create-protocol">
        <div className="field">
          <label htmlFor="create-id">{t('protocols.admin.createId')}</label>
          <input id="create-id" value={id} onChange={(e) => setId(e.target.value)} />
        </div>
        <ContentFields prefix="create" codes={codes} onCodes={setCodes} text={text} onText={setText} rows={8} />
        <InvalidJson shown={badJson} />
        <ErrorMessage error={action.error} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={action.busy}>
            {t('protocols.admin.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
