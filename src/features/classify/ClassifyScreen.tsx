// The classify screen: take a frame (drop, pick, paste), show it with its crop, and show the model's read-out.

import { useCallback, useEffect, useRef, useState } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import type { FrameResult, Rect } from '../../core';
import type { FrameOutcome } from '../../inference';
import {
  SaveCasePanel,
  HeatMapControls,
  explainable,
  useHeatMapView,
  ExplainedFrame,
  ResultPanel,
} from '../shared';
import { useFileIntake } from './useFileIntake';
import { ClipWorkspace } from './ClipWorkspace';
import { clipKindOfFile, type ClipKind } from '../../sources';

interface Current {
  file: File;
  imageUrl: string;
  /** The browser could not draw the file (empty, not an image, damaged): show the message, not a broken icon. */
  broken?: boolean;
}

export function ClassifyScreen() {
  const { client, status } = useInference();
  const info = activeModel(status);
  const [current, setCurrent] = useState<Current | null>(null);
  /** A video or DICOM file: read as a clip (a single-frame DICOM as a frame) by ClipWorkspace. */
  const [clip, setClip] = useState<{ file: File; kind: ClipKind; id: number } | null>(null);
  const [result, setResult] = useState<FrameResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** A frame given before the model was ready: read as soon as it is. */
  const [waiting, setWaiting] = useState<File | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const request = useRef(0);
  const heat = useHeatMapView();
  const explained = explainable(result);

  useEffect(
    () => () => {
      if (current) URL.revokeObjectURL(current.imageUrl);
    },
    [current],
  );

  const classify = useCallback(
    async (file: File, crop?: Rect) => {
      if (!client) return;
      const mine = ++request.current;
      setBusy(true);
      try {
        const [outcome]: FrameOutcome[] = await client.classify([
          { file, name: file.name || 'Pasted image', crop },
        ]);
        if (mine !== request.current) return;
        if (outcome?.ok) {
          setResult(outcome.result);
          setProblem(null);
        } else {
          setResult(null);
          setProblem(outcome?.message ?? 'The frame could not be read.');
        }
      } catch (error) {
        if (mine === request.current) {
          setResult(null);
          setProblem(`The model could not read this frame: ${(error as Error).message}`);
        }
      } finally {
        if (mine === request.current) setBusy(false);
      }
    },
    [client],
  );

  const ready = status.state !== 'loading' && !!info && !!client;
  const readFrame = useCallback(
    (file: File) => {
      setClip(null);
      setCurrent({ file, imageUrl: URL.createObjectURL(file) });
      setResult(null);
      setProblem(null);
      if (ready) {
        setWaiting(null);
        void classify(file);
      } else {
        // The model is still loading (7–10 s for the default one): keep the frame and read it then.
        ++request.current;
        setBusy(false);
        setWaiting(file);
      }
    },
    [classify, ready],
  );
  const onFiles = useCallback(
    (files: File[]) => {
      const file = files[0];
      if (!file) return;
      const id = ++request.current;
      // The previous read-out (a frame's or a clip's) goes at once, not after the sniff below: a label key
      // pressed meanwhile must not land on the old save panel and then be lost when the new file arrives.
      setResult(null);
      setClip(null);
      setProblem(null);
      setBusy(true);
      void clipKindOfFile(file)
        .catch(() => null)
        .then((kind) => {
          if (id !== request.current) return;
          if (!kind) return readFrame(file);
          // A clip replaces whatever frame was shown; the clip's own view reads it.
          ++request.current;
          setCurrent(null);
          setResult(null);
          setProblem(null);
          setWaiting(null);
          setBusy(false);
          setClip({ file, kind, id });
        });
    },
    [readFrame],
  );
  useEffect(() => {
    if (!waiting) return;
    if (ready) {
      setWaiting(null);
      void classify(waiting);
    } else if (status.state === 'failed' && !info) {
      setWaiting(null);
      setProblem(`This frame was not read: the model could not be loaded. ${status.message}`);
    }
  }, [waiting, ready, classify, status, info]);
  const { dragging } = useFileIntake(onFiles);

  return (
    <div className={dragging ? 'classify dragging' : 'classify'}>
      <div className={current || clip ? 'intake compact' : 'intake'}>
        <button type="button" className="button primary big" onClick={() => inputRef.current?.click()}>
          Choose a frame or clip
        </button>
        <p className="muted intake-hint">
          …or drop an image, a video (MP4, WebM, MOV) or a DICOM file anywhere on this page, or paste one
          (Ctrl+V).
        </p>
        <input
          ref={inputRef}
          data-testid="file-input"
          type="file"
          accept="image/png,image/jpeg,image/webp,image/bmp,image/gif,video/mp4,video/webm,video/quicktime,.mp4,.m4v,.mov,.webm,.dcm,.dicom,application/dicom"
          hidden
          onChange={(e) => {
            onFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      {problem && (
        <div className="banner error" role="alert" data-testid="input-problem">
          {problem}
        </div>
      )}
      {clip && <ClipWorkspace key={clip.id} file={clip.file} kind={clip.kind} onProblem={setProblem} />}
      {current && (
        <div className="workspace">
          <div className="frame-view">
            {result ? (
              <ExplainedFrame
                imageUrl={current.imageUrl}
                result={result}
                view={heat}
                onCropChange={(crop) => void classify(current.file, crop)}
              />
            ) : (
              !current.broken && (
                <img
                  className="plain-frame"
                  src={current.imageUrl}
                  alt="The frame being read"
                  onError={() => setCurrent((c) => (c === current ? { ...c, broken: true } : c))}
                />
              )
            )}
            {result && (
              <div className="frame-actions">
                <button
                  type="button"
                  className="button"
                  data-testid="detect-region-again"
                  title="Forget the region you drew: find the scan region automatically and read the frame again"
                  onClick={() => void classify(current.file)}
                >
                  Detect the scan region again
                </button>
              </div>
            )}
          </div>
          <div className="readout" hidden={!busy && !result && !waiting}>
            {waiting && (
              <p className="model-wait" role="status" data-testid="model-wait">
                The model is still loading ({status.state === 'loading' ? status.message : 'starting'}). This
                frame will be read as soon as it is ready.
              </p>
            )}
            {busy && (
              <p className="muted" data-testid="busy">
                Reading the frame…
              </p>
            )}
            {result && info && (
              <ResultPanel result={result} threshold={info.metadata.lowConfidenceThreshold} />
            )}
            {explained && <HeatMapControls result={explained} view={heat} />}
            {result && (
              <SaveCasePanel
                key={`${current.imageUrl}|${result.crop.x},${result.crop.y},${result.crop.width},${result.crop.height}`}
                file={current.file}
                result={result}
              />
            )}
          </div>
        </div>
      )}
      {!current && !clip && (
        <div className="empty-state">
          <p>
            Drop a lung-ultrasound frame or clip to see which sign it shows: A-lines, B-lines, pleural
            effusion or lung consolidation.
          </p>
          <p className="muted">Everything runs on this device. Nothing is sent anywhere.</p>
        </div>
      )}
      {dragging && <div className="drop-overlay">Drop the frame or clip to read it</div>}
    </div>
  );
}
