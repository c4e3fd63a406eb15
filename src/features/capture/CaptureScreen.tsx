// The capture screen: choose the capture card and resolution, watch the scanner live with a steady read-out,
// adjust the image region, and Freeze a frame to read it at full quality and keep it as a case.

import { useCallback, useEffect, useRef, useState } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import type { FrameResult, ImageActivity, Rect, SmoothedReadout, TrendPoint } from '../../core';
import {
  COMMON_RESOLUTIONS,
  CaptureProblem,
  DEVICE_ENDED_MESSAGE,
  closeCapture,
  listCaptureDevices,
  offersResolution,
  openCaptureDevice,
  type CaptureDeviceInfo,
  type OpenCapture,
  type Resolution,
} from '../../sources';
import {
  SaveCasePanel,
  CropEditor,
  ExplainedFrame,
  ResultPanel,
  HeatMapControls,
  explainable,
  useHeatMapView,
} from '../shared';
import {
  readDevicePrefs,
  readLastDevice,
  rememberedRoi,
  saveDevicePrefs,
  saveLastDevice,
} from './capturePrefs';
import { LiveCapture, type LiveStats, type RoiSearch } from './liveCapture';
import { LiveReadoutPanel } from './LiveReadoutPanel';

const NATIVE = 'native';
const resolutionKey = (r: Resolution | null) => (r ? `${r.width}x${r.height}` : NATIVE);
function parseResolution(key: string): Resolution | null {
  const m = /^(\d+)x(\d+)$/.exec(key);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

interface Frozen {
  file: File;
  url: string;
  result: FrameResult | null;
  problem: string | null;
  busy: boolean;
}

function deviceName(d: CaptureDeviceInfo, index: number): string {
  return d.label || `Video input ${index + 1} (name shown after camera access is allowed)`;
}

/** Space freezes, except while typing or on a control that space already operates. */
function spaceIsOurs(e: KeyboardEvent): boolean {
  if (e.code !== 'Space' && e.key !== ' ') return false;
  const t = e.target as HTMLElement | null;
  return !t?.closest('input, textarea, select, button, [contenteditable="true"], [role="slider"]');
}

export function CaptureScreen() {
  const { client, status } = useInference();
  const info = activeModel(status);
  const [devices, setDevices] = useState<CaptureDeviceInfo[] | null>(null);
  const [deviceId, setDeviceId] = useState<string>(() => readLastDevice() ?? '');
  const [resolution, setResolution] = useState<string>(NATIVE);
  const [capture, setCapture] = useState<OpenCapture | null>(null);
  const [starting, setStarting] = useState(false);
  const [problem, setProblem] = useState<{ code: string; message: string } | null>(null);
  const [roi, setRoi] = useState<RoiSearch | null>(null);
  const [activity, setActivity] = useState<ImageActivity>('starting');
  const [readout, setReadout] = useState<{ now: SmoothedReadout | null; trend: readonly TrendPoint[] }>({
    now: null,
    trend: [],
  });
  const [stats, setStats] = useState<LiveStats | null>(null);
  const [liveProblem, setLiveProblem] = useState<string | null>(null);
  const [continuous, setContinuous] = useState(true);
  const [frozen, setFrozen] = useState<Frozen | null>(null);
  // Kept across freezes: a sonographer who turned the map off or chose a sign keeps that for the next frame.
  const heat = useHeatMapView();
  const videoRef = useRef<HTMLVideoElement>(null);
  const loopRef = useRef<LiveCapture | null>(null);
  const captureRef = useRef<OpenCapture | null>(null);

  const refreshDevices = useCallback(async () => {
    try {
      const found = await listCaptureDevices();
      setDevices(found);
      if (found.length === 0) {
        setProblem({
          code: 'no-camera',
          message:
            'No video input found. Plug the capture card into this device (and the scanner into the card), then press Start capture.',
        });
      } else {
        setProblem((p) => (p?.code === 'no-camera' ? null : p));
      }
      return found;
    } catch (error) {
      const p = error instanceof CaptureProblem ? error : null;
      setProblem({ code: p?.code ?? 'unknown', message: (error as Error).message });
      setDevices([]);
      return [];
    }
  }, []);

  useEffect(() => {
    void refreshDevices();
    const md = navigator.mediaDevices;
    if (!md?.addEventListener) return;
    const onChange = () => void refreshDevices();
    md.addEventListener('devicechange', onChange);
    return () => md.removeEventListener('devicechange', onChange);
  }, [refreshDevices]);

  // The remembered resolution of the chosen card.
  useEffect(() => {
    if (deviceId) setResolution(resolutionKey(readDevicePrefs(deviceId).resolution));
  }, [deviceId]);

  const stopCapture = useCallback(() => {
    loopRef.current?.stop();
    loopRef.current = null;
    closeCapture(captureRef.current);
    captureRef.current = null;
    setCapture(null);
    setStats(null);
    setRoi(null);
    setReadout({ now: null, trend: [] });
    setActivity('starting');
  }, []);

  useEffect(() => stopCapture, [stopCapture]);

  const startCapture = useCallback(async () => {
    stopCapture();
    setProblem(null);
    setLiveProblem(null);
    setFrozen(null);
    setStarting(true);
    const wanted = parseResolution(resolution);
    try {
      const opened = await openCaptureDevice(deviceId || null, wanted);
      captureRef.current = opened;
      // Labels appear only after access is granted: list again so the menu names the cards.
      const found = await refreshDevices();
      const id = opened.deviceId || deviceId;
      if (id && found.some((d) => d.deviceId === id)) {
        setDeviceId(id);
        saveLastDevice(id);
        saveDevicePrefs(id, { resolution: wanted });
      }
      opened.track.addEventListener('ended', () => {
        if (captureRef.current !== opened) return;
        stopCapture();
        setProblem({ code: 'device-ended', message: DEVICE_ENDED_MESSAGE });
      });
      setCapture(opened);
    } catch (error) {
      const p = error instanceof CaptureProblem ? error : null;
      setProblem({ code: p?.code ?? 'unknown', message: (error as Error).message });
    } finally {
      setStarting(false);
    }
  }, [deviceId, resolution, refreshDevices, stopCapture]);

  // Attach the stream and start the live loop once the video knows its size.
  useEffect(() => {
    const video = videoRef.current;
    if (!capture || !video || !client) return;
    video.srcObject = capture.stream;
    let loop: LiveCapture | null = null;
    const begin = () => {
      if (loop) return;
      const id = capture.deviceId || deviceId;
      loop = new LiveCapture(video, capture.track, client, {
        onRoi: (search) => {
          setRoi(search);
          if (search.state === 'found' && id) {
            saveDevicePrefs(id, {
              roi: {
                rect: search.rect,
                frameWidth: video.videoWidth,
                frameHeight: video.videoHeight,
                setBy: search.setBy,
              },
            });
          }
        },
        onActivity: setActivity,
        onReadout: (now, trend) => setReadout({ now, trend: [...trend] }),
        onStats: setStats,
        onError: setLiveProblem,
        onEnded: () => {
          stopCapture();
          setProblem({ code: 'device-ended', message: DEVICE_ENDED_MESSAGE });
        },
      });
      loopRef.current = loop;
      const remembered = id ? rememberedRoi(readDevicePrefs(id), video.videoWidth, video.videoHeight) : null;
      loop.start(remembered);
    };
    video.addEventListener('loadedmetadata', begin);
    void video.play().catch(() => undefined);
    if (video.readyState >= 1) begin();
    // A stopped track sends neither frames nor (by the spec) an 'ended' event: look once a second.
    const watch = window.setInterval(() => {
      if (capture.track.readyState !== 'ended' || captureRef.current !== capture) return;
      stopCapture();
      setProblem({ code: 'device-ended', message: DEVICE_ENDED_MESSAGE });
    }, 1000);
    return () => {
      window.clearInterval(watch);
      video.removeEventListener('loadedmetadata', begin);
      loop?.stop();
      if (loopRef.current === loop) loopRef.current = null;
    };
  }, [capture, client, deviceId, stopCapture]);

  useEffect(() => {
    if (loopRef.current) loopRef.current.continuous = continuous;
  }, [continuous, capture]);

  const inputSide = info ? Math.max(info.metadata.input.height, info.metadata.input.width) : 448;
  useEffect(() => {
    // Twice the model's input side keeps live frames sharp enough without reading back the whole region.
    if (loopRef.current) loopRef.current.liveSide = Math.min(448, Math.max(128, 2 * inputSide));
  }, [inputSide, capture, roi]);

  const classifyFrozen = useCallback(
    async (file: File, crop?: Rect, foundAutomatically = false) => {
      if (!client) return;
      setFrozen((f) => (f ? { ...f, busy: true, problem: null } : f));
      try {
        const [outcome] = await client.classify([{ file, name: file.name, crop }]);
        setFrozen((f) =>
          f && f.file === file
            ? outcome?.ok
              ? {
                  ...f,
                  busy: false,
                  // The live region came from motion detection: say so, though the worker was handed a crop.
                  result: { ...outcome.result, cropDetected: foundAutomatically },
                  problem: null,
                }
              : {
                  ...f,
                  busy: false,
                  result: null,
                  problem: outcome?.message ?? 'The frame could not be read.',
                }
            : f,
        );
      } catch (error) {
        setFrozen((f) =>
          f && f.file === file
            ? {
                ...f,
                busy: false,
                result: null,
                problem: `The model could not read this frame: ${(error as Error).message}`,
              }
            : f,
        );
      }
    },
    [client],
  );

  const freeze = useCallback(async () => {
    const loop = loopRef.current;
    if (!loop || !capture) return;
    loop.setPaused(true);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const device = (capture.label || 'capture card').replace(/[^\p{L}\p{N} _-]/gu, '').trim();
    const file = await loop.grabFullFrame(`Capture ${device} ${stamp}.png`);
    const url = URL.createObjectURL(file);
    setFrozen({ file, url, result: null, problem: null, busy: true });
    const region = roi?.state === 'found' ? roi.rect : undefined;
    await classifyFrozen(file, region, roi?.state === 'found' && roi.setBy === 'auto');
  }, [capture, roi, classifyFrozen]);

  const backToLive = useCallback(() => {
    setFrozen((f) => {
      if (f) URL.revokeObjectURL(f.url);
      return null;
    });
    loopRef.current?.setPaused(false);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!spaceIsOurs(e) || !capture) return;
      e.preventDefault();
      if (frozen) backToLive();
      else void freeze();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [capture, frozen, freeze, backToLive]);

  const ready = status.state !== 'loading' && !!info && !!client;
  const frozenExplained = explainable(frozen?.result);
  const frameW = capture?.width || videoRef.current?.videoWidth || 640;
  const frameH = capture?.height || videoRef.current?.videoHeight || 480;
  const region = roi?.state === 'found' ? roi.rect : { x: 0, y: 0, width: frameW, height: frameH };
  const video = (
    <video ref={videoRef} className="capture-video" muted playsInline autoPlay data-testid="capture-video" />
  );

  return (
    <div className={capture ? 'capture capturing' : 'capture'}>
      <div className="capture-controls">
        <label className="field">
          <span>Video input (capture card)</span>
          <select
            data-testid="capture-device"
            value={deviceId}
            onChange={(e) => {
              setDeviceId(e.target.value);
              if (e.target.value) saveLastDevice(e.target.value);
            }}
            disabled={starting}
          >
            {!devices?.length && <option value="">No video input found</option>}
            {devices && devices.length > 0 && !devices.some((d) => d.deviceId === deviceId) && (
              <option value="">First available input</option>
            )}
            {devices?.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {deviceName(d, i)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Resolution</span>
          <select
            data-testid="capture-resolution"
            value={resolution}
            onChange={(e) => {
              setResolution(e.target.value);
              if (deviceId) saveDevicePrefs(deviceId, { resolution: parseResolution(e.target.value) });
            }}
            disabled={starting}
          >
            <option value={NATIVE}>The card&apos;s own</option>
            {COMMON_RESOLUTIONS.map((r) => (
              <option key={resolutionKey(r)} value={resolutionKey(r)}>
                {r.width}×{r.height}
                {capture && !offersResolution(capture.largest, r) ? ' (this card cannot send it)' : ''}
              </option>
            ))}
          </select>
        </label>
        {capture ? (
          <button type="button" className="button big" data-testid="capture-stop" onClick={stopCapture}>
            Stop capture
          </button>
        ) : (
          <button
            type="button"
            className="button primary big"
            data-testid="capture-start"
            disabled={!ready || starting}
            onClick={() => void startCapture()}
          >
            {starting ? 'Starting…' : 'Start capture'}
          </button>
        )}
      </div>
      {problem && (
        <div className="banner error" role="alert" data-testid="capture-problem" data-code={problem.code}>
          {problem.message}
        </div>
      )}
      {liveProblem && (
        <div className="banner error" role="alert" data-testid="live-problem">
          {liveProblem}
        </div>
      )}
      {!capture && !problem && (
        <div className="empty-state">
          <p>
            Connect the scanner&apos;s video output (HDMI or DVI) to a USB capture card, choose it above and
            press Start capture. LUS Signs finds the ultrasound image on the scanner&apos;s screen by itself.
          </p>
          <p className="muted">The video never leaves this device.</p>
        </div>
      )}
      {capture && (
        <div className="workspace">
          <div
            className={roi?.state === 'found' ? 'frame-view' : 'frame-view searching'}
            hidden={!!frozen}
            data-testid="capture-live"
          >
            <CropEditor
              media={video}
              frameWidth={frameW}
              frameHeight={frameH}
              crop={region}
              onCropChange={(rect) => {
                loopRef.current?.setRoi(rect, 'user', null);
              }}
            />
            <RoiStatus search={roi} onFindAgain={() => loopRef.current?.findRegion()} />
          </div>
          {frozen && (
            <div className="frame-view" data-testid="capture-frozen">
              {frozen.result ? (
                <ExplainedFrame
                  imageUrl={frozen.url}
                  result={frozen.result}
                  view={heat}
                  onCropChange={(crop) => void classifyFrozen(frozen.file, crop)}
                />
              ) : (
                <img className="plain-frame" src={frozen.url} alt="The frozen frame" />
              )}
              <p className="roi-status">Frozen frame, read at full resolution.</p>
            </div>
          )}
          <div className="readout">
            {frozen ? (
              <>
                <button
                  type="button"
                  className="button primary big freeze-button"
                  data-testid="back-to-live"
                  onClick={backToLive}
                >
                  Back to live <kbd>Space</kbd>
                </button>
                {frozen.busy && (
                  <p className="muted" data-testid="busy">
                    Reading the frozen frame at full resolution…
                  </p>
                )}
                {frozen.problem && (
                  <div className="banner error" role="alert" data-testid="input-problem">
                    {frozen.problem}
                  </div>
                )}
                {frozen.result && info && (
                  <ResultPanel result={frozen.result} threshold={info.metadata.lowConfidenceThreshold} />
                )}
                {frozenExplained && <HeatMapControls result={frozenExplained} view={heat} />}
                {frozen.result && (
                  <SaveCasePanel
                    key={`${frozen.url}|${frozen.result.crop.x},${frozen.result.crop.y},${frozen.result.crop.width},${frozen.result.crop.height}`}
                    file={frozen.file}
                    result={frozen.result}
                  />
                )}
              </>
            ) : (
              <>
                <button
                  type="button"
                  className="button primary big freeze-button"
                  data-testid="freeze"
                  disabled={roi?.state !== 'found'}
                  onClick={() => void freeze()}
                >
                  Freeze <kbd>Space</kbd>
                </button>
                <LiveReadoutPanel
                  readout={readout.now}
                  trend={readout.trend}
                  activity={activity}
                  searching={roi?.state !== 'found'}
                  stats={stats}
                  threshold={info?.metadata.lowConfidenceThreshold ?? 0.5}
                />
                <label className="continuous-toggle">
                  <input
                    type="checkbox"
                    data-testid="continuous"
                    checked={continuous}
                    onChange={(e) => setContinuous(e.target.checked)}
                  />{' '}
                  Read continuously (untick to save battery; Freeze still reads)
                </label>
              </>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

function RoiStatus({ search, onFindAgain }: { search: RoiSearch | null; onFindAgain: () => void }) {
  if (!search) return null;
  return (
    <div className="roi-bar" data-testid="roi-status" data-state={search.state}>
      <span className="roi-status">
        {search.state === 'watching'
          ? `Finding the ultrasound image on the scanner's screen… ${Math.round(search.progress * 100)}%`
          : search.state === 'found'
            ? search.setBy === 'user'
              ? 'Image region set by you (remembered for this card). Drag the box or its corner to change it.'
              : `Image region found automatically${search.shape ? ` (${search.shape === 'sector' ? 'sector' : 'rectangle'})` : ''}, remembered for this card. Drag the box or its corner to adjust.`
            : search.message}
      </span>
      <button
        type="button"
        className="button"
        data-testid="find-again"
        title="Watch the scanner's screen again to find where its ultrasound image is"
        onClick={onFindAgain}
      >
        Detect the scan region again
      </button>
    </div>
  );
}
