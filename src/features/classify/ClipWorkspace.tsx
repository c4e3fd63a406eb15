// A dropped clip on the Classify screen: decode and sample it, read its frames in the worker (batched), show the clip read-out, the timeline and the chosen moment with its heat map; save it as a clip case.

import { useEffect, useMemo, useState } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import { clipReadout, type ClipReadout } from '../../core/clip';
import { CLASS_NAMES, type FrameResult, type RgbaImage } from '../../core';
import { InputProblem, readClipFile, type ClipKind, type ReadClip } from '../../sources';
import {
  ClipReadoutPanel,
  ClipTimeline,
  SaveCasePanel,
  HeatMapControls,
  clearestFrame,
  clipFramesToRead,
  clipReadBy,
  explainable,
  readClipFrames,
  useHeatMapView,
  ExplainedFrame,
  ResultPanel,
  type ClipCaseDraft,
} from '../shared';

interface Props {
  file: File;
  kind: ClipKind;
  /** A message for the screen's problem banner (null clears it). */
  onProblem: (message: string | null) => void;
}

type Reading =
  | { state: 'decoding' }
  | { state: 'reading'; done: number; of: number }
  | { state: 'done'; readout: ClipReadout | null; results: Array<FrameResult | null> }
  | { state: 'failed' };

/** The frame as a PNG: what the frame view shows, and all a saved single-frame DICOM case keeps (no header). */
function pngOf(image: RgbaImage): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  canvas
    .getContext('2d')!
    .putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

export function ClipWorkspace({ file, kind, onProblem }: Props) {
  const { client, status } = useInference();
  const info = activeModel(status);
  const ready = status.state !== 'loading' && !!info && !!client;
  const threshold = info?.metadata.lowConfidenceThreshold ?? 0.5;
  const [decoded, setDecoded] = useState<ReadClip | null>(null);
  const [reading, setReading] = useState<Reading>({ state: 'decoding' });
  const [chosen, setChosen] = useState(0);
  const [frameUrl, setFrameUrl] = useState<{ position: number; url: string } | null>(null);
  const [stillFile, setStillFile] = useState<File | null>(null);
  const heat = useHeatMapView();

  useEffect(() => {
    let live = true;
    const abort = new AbortController();
    setDecoded(null);
    setReading({ state: 'decoding' });
    readClipFile(file, kind, { signal: abort.signal })
      .then((d) => live && setDecoded(d))
      .catch((error: unknown) => {
        if (!live) return;
        setReading({ state: 'failed' });
        onProblem(
          error instanceof InputProblem
            ? error.message
            : `${file.name} could not be read: ${(error as Error).message}`,
        );
      });
    return () => {
      live = false;
      abort.abort();
    };
  }, [file, kind, onProblem]);

  useEffect(() => {
    if (!decoded || !ready || !client) return;
    let live = true;
    const abort = new AbortController();
    const { clip } = decoded;
    void (async () => {
      try {
        const read = await readClipFrames(
          client,
          clipFramesToRead(clip.frames, clip.source.name, decoded.scanRegion),
          {
            signal: abort.signal,
            onProgress: (done, of) => live && setReading({ state: 'reading', done, of }),
          },
        );
        if (!live) return;
        if (read.incomplete) throw new Error(read.incomplete.message);
        const { readings, results } = read;
        if (clip.frames.length === 1) {
          // A single-frame file reads as a frame: its own read-out, and a case saved from its pixels only.
          const png = await pngOf(clip.frames[0]!.pixels);
          if (!live) return;
          setStillFile(new File([png], `${clip.source.name}.png`, { type: 'image/png' }));
          const only = readings[0]!;
          setReading({ state: 'done', readout: null, results });
          onProblem(only.status === 'unreadable' ? only.message : null);
          return;
        }
        const readout = clipReadout(readings, clip.sampling, threshold);
        // Start at the frame that shows the clip's sign most clearly.
        setChosen(clearestFrame(results, readout.top));
        setReading({ state: 'done', readout, results });
        onProblem(null);
      } catch (error) {
        if (!live) return;
        setReading({ state: 'failed' });
        onProblem(`The model could not read this clip: ${(error as Error).message}`);
      }
    })();
    return () => {
      live = false;
      abort.abort();
    };
  }, [decoded, ready, client, threshold, onProblem]);

  useEffect(() => {
    if (!decoded) return;
    const frame = decoded.clip.frames[chosen];
    if (!frame) return;
    let live = true;
    let made: string | null = null;
    void pngOf(frame.pixels).then((png) => {
      const url = URL.createObjectURL(png);
      if (live) {
        made = url;
        setFrameUrl({ position: chosen, url });
      } else URL.revokeObjectURL(url);
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [decoded, chosen]);

  const done = reading.state === 'done' ? reading : null;
  const by = useMemo(() => (done ? clipReadBy(done.results) : null), [done]);
  // What "Save as case" keeps: the sampled frames, the read-out and who read it; DICOM's technical tags only.
  const draft = useMemo<ClipCaseDraft | null>(() => {
    if (!decoded || !done?.readout || !by) return null;
    const { clip } = decoded;
    return {
      source: clip.source.name,
      origin: decoded.kind,
      format: clip.source.format,
      frameRate: clip.frameRate,
      durationMs: clip.durationMs,
      sampling: clip.sampling,
      frames: clip.frames,
      scanRegion: decoded.scanRegion,
      technical: decoded.technical,
      sourceFile: file,
      readout: done.readout,
      results: done.results,
      by,
    };
  }, [decoded, done, by, file]);
  const chosenResult = done?.results[chosen] ?? null;
  const explained = explainable(chosenResult);
  const chosenFrame = decoded?.clip.frames[chosen];
  const momentNote = useMemo(() => {
    if (!decoded || !chosenFrame) return null;
    const point = done?.readout?.timeline[chosen];
    const status =
      point?.status === 'refused'
        ? ' · refused by the input check'
        : point?.status === 'unreadable'
          ? ' · could not be read'
          : '';
    return `Frame ${chosenFrame.index + 1} of ${decoded.clip.sampling.framesInClip} at ${(chosenFrame.timeMs / 1000).toFixed(2)} s${status}`;
  }, [decoded, chosenFrame, done, chosen]);

  if (reading.state === 'failed') return null;
  const single = decoded?.clip.frames.length === 1;
  return (
    <div className="workspace clip-workspace" data-testid="clip-workspace" data-kind={kind}>
      <div className="frame-view">
        {chosenResult && frameUrl?.position === chosen ? (
          <ExplainedFrame imageUrl={frameUrl.url} result={chosenResult} view={heat} />
        ) : (
          frameUrl?.position === chosen && (
            <img className="plain-frame" src={frameUrl.url} alt="The clip's frame being shown" />
          )
        )}
        {!single && done?.readout && decoded && (
          <>
            <p className="clip-moment-note" data-testid="clip-moment-note" data-index={chosenFrame?.index}>
              {momentNote}
              {chosenResult &&
                chosenResult.gate?.pass !== false &&
                ` · ${CLASS_NAMES[chosenResult.top]} ${(chosenResult.probabilities[chosenResult.top] * 100).toFixed(0)}%`}
            </p>
            <ClipTimeline
              timeline={done.readout.timeline}
              durationMs={decoded.clip.durationMs}
              chosen={chosen}
              onChoose={setChosen}
            />
          </>
        )}
      </div>
      <div className="readout">
        {!ready && status.state === 'loading' && (
          <p className="model-wait" role="status" data-testid="model-wait">
            The model is still loading ({status.message}). This clip will be read as soon as it is ready.
          </p>
        )}
        {reading.state === 'decoding' && (
          <p className="muted" data-testid="busy">
            Opening the {kind === 'dicom' ? 'DICOM file' : 'video'}…
          </p>
        )}
        {reading.state === 'reading' && (
          <p className="muted" data-testid="busy">
            Reading the clip: {reading.done} of {reading.of} frames…
          </p>
        )}
        {done?.readout && decoded && (
          <ClipReadoutPanel
            readout={done.readout}
            clip={decoded.clip}
            threshold={threshold}
            technicalNote={decoded.technicalNote}
            by={by}
          />
        )}
        {single && chosenResult && <ResultPanel result={chosenResult} threshold={threshold} />}
        {explained && <HeatMapControls result={explained} view={heat} />}
        {single && chosenResult && stillFile && <SaveCasePanel file={stillFile} result={chosenResult} />}
        {!single && draft && <SaveCasePanel clip={draft} />}
      </div>
    </div>
  );
}
