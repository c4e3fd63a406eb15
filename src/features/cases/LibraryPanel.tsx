// Backup and restore, CSV export, storage use and persistence, the full-frame setting, and delete-all.

import { useEffect, useRef, useState } from 'react';
import {
  casesCsv,
  decodeBackup,
  deleteAllCases,
  encodeBackup,
  formatBytes,
  listCases,
  persistState,
  readSettings,
  requestPersistentStorage,
  restoreCases,
  saveSettings,
  storageUse,
  type CaseRecord,
  type PersistState,
  type StorageUse,
} from '../../store';
import { downloadFile, todayStamp } from '../shared';

type Note = { ok: boolean; text: string };

export function LibraryPanel({ cases }: { cases: readonly CaseRecord[] }) {
  const [use, setUse] = useState<StorageUse | null>(null);
  const [persist, setPersist] = useState<PersistState>('unsupported');
  const [keepFullFrame, setKeepFullFrame] = useState(false);
  const [note, setNote] = useState<Note | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmAll, setConfirmAll] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void storageUse().then(setUse, () => undefined);
  }, [cases]);
  useEffect(() => {
    void persistState().then(setPersist, () => undefined);
    void readSettings().then(
      (s) => setKeepFullFrame(s.keepFullFrame),
      () => undefined,
    );
  }, []);

  const exportBackup = async () => {
    setBusy(true);
    try {
      const all = await listCases();
      const bytes = await encodeBackup(all);
      downloadFile(bytes as BlobPart, `lus-signs-cases-${todayStamp()}.zip`, 'application/zip');
      setNote({
        ok: true,
        text: `Backup of ${all.length} cases saved to your downloads. Keep it somewhere safe.`,
      });
    } catch (e) {
      setNote({ ok: false, text: `The backup could not be made: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  const restore = async (file: File) => {
    setBusy(true);
    try {
      // Everything is read and checked before the library is touched.
      const records = await decodeBackup(new Uint8Array(await file.arrayBuffer()), file.name);
      const { added, merged } = await restoreCases(records);
      setNote({
        ok: true,
        text: `Restored ${added} ${added === 1 ? 'case' : 'cases'} from ${file.name}${merged ? ` (${merged} already here, newer version kept)` : ''}.`,
      });
    } catch (e) {
      setNote({ ok: false, text: `${(e as Error).message} Nothing in the library was changed.` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel library" aria-labelledby="library-title" data-testid="library">
      <h3 id="library-title">Backup and storage</h3>
      <div className="row-buttons">
        <button
          type="button"
          className="button"
          data-testid="backup-export"
          disabled={busy || !cases.length}
          onClick={() => void exportBackup()}
        >
          Export backup (.zip, with images)
        </button>
        <button
          type="button"
          className="button"
          data-testid="backup-restore"
          disabled={busy}
          onClick={() => fileRef.current?.click()}
        >
          Restore from backup…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".zip,application/zip"
          hidden
          data-testid="backup-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void restore(f);
          }}
        />
        <button
          type="button"
          className="button"
          data-testid="cases-csv"
          disabled={!cases.length}
          onClick={() => downloadFile(casesCsv(cases), `lus-signs-cases-${todayStamp()}.csv`, 'text/csv')}
        >
          Export cases as CSV (no images)
        </button>
      </div>
      {note && (
        <p
          className={note.ok ? 'save-outcome ok' : 'save-outcome problem'}
          role={note.ok ? 'status' : 'alert'}
          data-testid="library-note"
        >
          {note.text}
        </p>
      )}
      <p data-testid="storage-use">
        {use
          ? `This device holds ${cases.length} ${cases.length === 1 ? 'case' : 'cases'}; the app uses ${formatBytes(use.usage)} of ${formatBytes(use.quota)} the browser allows.`
          : 'This browser does not report how much storage is used.'}
      </p>
      <p data-testid="persist-state">
        {persist === 'persisted' ? (
          'Cases are kept: the browser will not delete them to free space.'
        ) : (
          <>
            {persist === 'best-effort'
              ? 'Best effort: the browser may delete cases when the device runs low on space. '
              : 'This browser cannot promise to keep cases. '}
            {persist === 'best-effort' && (
              <button
                type="button"
                className="button"
                data-testid="persist-request"
                onClick={() => void requestPersistentStorage().then(setPersist)}
              >
                Keep cases on this device
              </button>
            )}
          </>
        )}
      </p>
      <p className="muted small">
        Safari deletes the data of web apps not opened for 7 days unless the app is added to the Home Screen.
        A backup file is the real safeguard: export one regularly.
      </p>
      <label className="choice">
        <input
          type="checkbox"
          checked={keepFullFrame}
          data-testid="keep-full-frame"
          onChange={(e) => {
            setKeepFullFrame(e.target.checked);
            void saveSettings({ keepFullFrame: e.target.checked });
          }}
        />
        Save the whole scanner screen, not only the scan region (the banner may show the patient&apos;s name)
      </label>
      <div className="row-buttons">
        {confirmAll ? (
          <>
            <button
              type="button"
              className="button danger"
              data-testid="delete-all-confirm"
              onClick={() => {
                setConfirmAll(false);
                void deleteAllCases().then(() =>
                  setNote({ ok: true, text: 'All cases were deleted from this device.' }),
                );
              }}
            >
              Yes, delete all {cases.length} cases
            </button>
            <button type="button" className="button" onClick={() => setConfirmAll(false)}>
              Keep them
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button danger"
            data-testid="delete-all"
            disabled={!cases.length}
            onClick={() => setConfirmAll(true)}
          >
            Delete all cases…
          </button>
        )}
      </div>
    </section>
  );
}
