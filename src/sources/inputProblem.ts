// Bad input, named: every source turns a file it cannot use into one of these, with a message a user can act on.

export type InputProblemCode =
  | 'empty-file'
  | 'not-an-image'
  | 'unsupported-format'
  | 'corrupt-image'
  | 'too-small'
  | 'uniform'
  | 'no-ultrasound'
  | 'unreadable'
  | 'vanished';

export class InputProblem extends Error {
  constructor(
    readonly code: InputProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'InputProblem';
  }
}

/** Frames smaller than this carry too little detail to read a lung-ultrasound sign. */
export const MIN_FRAME_SIDE = 32;
/** Larger frames are downscaled while decoding so a huge file never reaches the GPU at full size. */
export const MAX_DECODED_SIDE = 4096;
