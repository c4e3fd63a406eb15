// The capture screen: choose the capture card and resolution, watch the scanner live with a steady read-out,
// adjust the image region, Freeze a frame to read it at full quality, or Record a clip of 2–6 s to read it as
// a clip; either is kept as a case.

import { useState, useRef } from 'react';
import { activeModel, useInference } from '../../app/InferenceContext';
import { CropEditor, ExplainedFrame, useHeatMapView } from '../shared';
import { CaptureControls } from './CaptureControls';
import { ClipRecorder } from './ClipRecorder';
import { RecordedClipReadout, RecordedClipView } from './RecordedClip';
import { useClipRecording, type ClipSeconds } from './useClipRecording';
import { FrozenReadout } from './FrozenReadout';
import { LiveReadoutPanel } from './LiveReadoutPanel';
import { RoiStatus } from './RoiStatus';
import { useCaptureSession } from './useCaptureSession';
import { useFrozenFrame } from './useFrozenFrame';
import { useSpaceToFreeze } from './useSpaceToFreeze';

export function CaptureScreen() {
  const { client, status } = useInference();
  const info = activeModel(status);
  const videoRef = useRef<HTMLVideoElement>(null);
  const inputSide = info ? Math.max(info.metadata.input.height, info.metadata.input.width) : 448;
  const session = useCaptureSession({ videoRef, client, inputSide });
  const { cards, capture, live } = session;
  const { frozen, freeze, backToLive, classifyFrozen } = useFrozenFrame({
    client,
    capture,
    roi: live.roi,
    currentLoop: live.currentLoop,
  });
  // Kept across freezes: a sonographer who turned the map off or chose a sign keeps that for the next frame.
  const heat = useHeatMapView();
  const roi = live.roi;
  const threshold = info?.metadata.lowConfidenceThreshold ?? 0.5;
  const [clipSeconds, setClipSeconds] = useState<ClipSeconds>(4);
  const { recording, record, discard } = useClipRecording({
    client,
    capture,
    region: roi?.state === 'found' ? roi.rect : null,
    currentLoop: live.currentLoop,
    threshold,
  });
  // A recorded clip holds the screen as a frozen frame does: Space goes back to live from either.
  useSpaceToFreeze(!!capture, !!frozen || !!recording, freeze, recording ? discard : backToLive);

  const ready = status.state !== 'loading' && !!info && !!client;
  const frameW = capture?.width || videoRef.current?.videoWidth || 640;
  const frameH = capture?.height || videoRef.current?.videoHeight || 480;
  const region = roi?.state === 'found' ? roi.rect : { x: 0, y: 0, width: frameW, height: frameH };
  const video = (
    <video ref={videoRef} className="capture-video" muted playsInline autoPlay data-testid="capture-video" />
  );

  return (
    <div className={capture ? 'capture capturing' : 'capture'}>
      <CaptureControls
        devices={cards.devices}
        deviceId={cards.deviceId}
        onDevice={cards.chooseDevice}
        resolution={cards.resolution}
        onResolution={cards.chooseResolution}
        capture={capture}
        starting={session.starting}
        ready={ready}
        onStart={() => {
          // A new session starts live: a frame frozen or a clip recorded in the last one is let go.
          backToLive();
          discard();
          void session.start();
        }}
        onStop={session.stop}
      />
      {session.problem && (
        <div
          className="banner error"
          role="alert"
          data-testid="capture-problem"
          data-code={session.problem.code}
        >
          {session.problem.message}
        </div>
      )}
      {live.problem && (
        <div className="banner error" role="alert" data-testid="live-problem">
          {live.problem}
        </div>
      )}
      {!capture && !session.problem && (
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
            hidden={!!frozen || recording?.state === 'done'}
            data-testid="capture-live"
          >
            <CropEditor
              media={video}
              frameWidth={frameW}
              frameHeight={frameH}
              crop={region}
              onCropChange={(rect) => {
                live.currentLoop()?.setRoi(rect, 'user', null);
              }}
            />
            <RoiStatus search={roi} onFindAgain={() => live.currentLoop()?.findRegion()} />
          </div>
          {recording?.state === 'done' && <RecordedClipView done={recording} />}
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
            {recording ? (
              <RecordedClipReadout recording={recording} threshold={threshold} onBackToLive={discard} />
            ) : frozen ? (
              <FrozenReadout
                frozen={frozen}
                threshold={info ? info.metadata.lowConfidenceThreshold : null}
                view={heat}
                onBackToLive={backToLive}
              />
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
                <ClipRecorder
                  seconds={clipSeconds}
                  onSeconds={setClipSeconds}
                  onRecord={() => void record(clipSeconds)}
                  recording={recording}
                  disabled={roi?.state !== 'found' || !ready}
                />
                <LiveReadoutPanel
                  readout={live.readout.now}
                  trend={live.readout.trend}
                  activity={live.activity}
                  searching={roi?.state !== 'found'}
                  stats={live.stats}
                  threshold={threshold}
                />
                <label className="continuous-toggle">
                  <input
                    type="checkbox"
                    data-testid="continuous"
                    checked={session.continuous}
                    onChange={(e) => session.setContinuous(e.target.checked)}
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
