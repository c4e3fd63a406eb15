// What a rendered phantom is (image, masks, sector, parameters) and the options that ask for one: types only.
import type { ClassId, GreyImage, Rect } from '../core/frame/index.ts';
import type { PhantomOverrides, PhantomParams } from './params.ts';

export interface PhantomMasks {
  pleura: Uint8Array;
  aLines: Uint8Array;
  bLines: Uint8Array;
  effusion: Uint8Array;
  consolidation: Uint8Array;
}

export interface Phantom {
  image: GreyImage;
  /** 0/1 per pixel, same size as the image. */
  masks: PhantomMasks;
  /** 1 inside the imaged sector. */
  sector: Uint8Array;
  classId: ClassId;
  /** Every drawn parameter; renderPhantom(params) reproduces the image byte for byte. */
  params: PhantomParams;
  /** Scanner-screen mode: where the ultrasound image lies inside the fake screen. */
  imageRect?: Rect;
}

export interface PhantomOptions {
  classId: ClassId;
  width: number;
  height: number;
  seed: number;
  overrides?: Partial<PhantomOverrides>;
  /** true: always, false: never, 'random' (default): half of the frames, as the spec asks. */
  overlays?: boolean | 'random';
  /** Place the image inside a fake scanner user interface. */
  screen?: boolean;
  /** Training-time brightness/contrast and capture degradations (default true). */
  augment?: boolean;
}
