// The heat-map view state one screen keeps: shown or not, opacity, and which signs' maps are drawn.
import { useState } from 'react';
import type { ClassId } from '../../../core';

export interface HeatMapView {
  shown: boolean;
  /** 0–1, the overlay's opacity over the frame. */
  opacity: number;
  /** The sign whose heat is drawn (one at a time); empty means "the top sign of each result". */
  classes: ClassId[];
  setShown: (shown: boolean) => void;
  setOpacity: (opacity: number) => void;
  toggleClass: (id: ClassId, top: ClassId) => void;
  /** The signs to draw for a result whose top sign is `top`. */
  classesFor: (top: ClassId) => ClassId[];
}

/**
 * One view state per screen, kept across frames: a sonographer who turned the map off or chose a sign
 * should not have to do it again on the next frame.
 */
export function useHeatMapView(initial: { shown?: boolean; opacity?: number } = {}): HeatMapView {
  const [shown, setShown] = useState(initial.shown ?? true);
  const [opacity, setOpacity] = useState(initial.opacity ?? 0.5);
  const [classes, setClasses] = useState<ClassId[]>([]);
  const classesFor = (top: ClassId) => (classes.length ? classes : [top]);
  // The chips switch between signs: one sign's evidence at a time, as the help text says ("the chosen
  // sign"); maps added on top of each other could not be told apart. The shown sign's chip hides the map.
  const toggleClass = (id: ClassId, top: ClassId) => {
    if (shown && classesFor(top).includes(id)) {
      setShown(false);
      return;
    }
    setShown(true);
    setClasses([id]);
  };
  return { shown, opacity, classes, setShown, setOpacity, toggleClass, classesFor };
}
