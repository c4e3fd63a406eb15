// The heat-map kit: the overlay, its controls and view state, and the input gate's notice; any screen can wire them in.
import './explain.css';
export { HeatMapOverlay } from './HeatMapOverlay';
export { HeatMapControls } from './HeatMapControls';
export { useHeatMapView, type HeatMapView } from './useHeatMapView';
export { GateNotice, gateSummary } from './GateNotice';
export { explainable, type ExplainableResult } from './explainable';
export { useStoredExplanation, type StoredExplanation } from './useStoredExplanation';
