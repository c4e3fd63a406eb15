// The input gate's reasons for refusing a frame, and what each refusal says to the reader.

export type GateReasonCode =
  | 'colour-photo'
  | 'colour-doppler'
  | 'text-screenshot'
  | 'noise'
  | 'no-speckle'
  | 'uniform'
  | 'no-ultrasound'
  | 'cardiac-view'
  | 'x-ray-view'
  | 'unfamiliar';

/** What the refusal says, for a tired reader at 3 a.m.: what it looks like, and what to do. */
export const GATE_MESSAGES: Record<GateReasonCode, string> = {
  'colour-photo': 'This looks like a colour photograph, not an ultrasound image.',
  'colour-doppler': 'Colour overlay present; freeze a plain B-mode frame.',
  'text-screenshot': 'This looks like a screenshot of text or a form, not an ultrasound image.',
  noise: 'This looks like random noise, not an ultrasound image.',
  'no-speckle':
    'No ultrasound texture in this image (it may be an X-ray, a drawing or a heavily smoothed copy).',
  uniform: 'The frame is almost uniform: no ultrasound image in it.',
  'no-ultrasound': 'No ultrasound image found in this frame.',
  'cardiac-view': 'This looks like a heart (cardiac) view, not a lung view.',
  'x-ray-view': 'This looks like an X-ray, not an ultrasound image.',
  unfamiliar: 'This image is unlike anything the model was trained on (not a lung view?).',
};
