// Public surface of the dashboard: the screen and the MetricsSource contract other sources (batch jobs) implement.
import './dashboard.css';
export { DashboardScreen } from './DashboardScreen';
export type { MetricsSource, SourceCase, DashboardFilters } from './metricsSource';
export { caseLibrarySource, labelledPredictions, filterSource } from './metricsSource';
