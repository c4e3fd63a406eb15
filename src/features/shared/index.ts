// Public surface of what the screens share: one case (save, view), the read-out, a clip's read-out, the heat-map kit, metrics sources and tables, the case scope, downloads.
// First, as cases.css was before: the case and explain styles refine these.
import './shared.css';
export * from './case';
export * from './readout';
export * from './clip';
export * from './explain';
export * from './metrics';
export * from './scope';
export { downloadFile, todayStamp } from './download';
