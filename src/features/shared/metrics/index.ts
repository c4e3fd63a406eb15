// What the metrics screens share: where labelled predictions come from (the library, the latest batch), Table 1 and the confusion heat map.
import './metrics.css';
export {
  NO_DASHBOARD_FILTERS,
  caseLibrarySource,
  filterSource,
  labelledPredictions,
  modelKeysOfSource,
  type DashboardFilters,
  type MetricsSource,
} from './metricsSource';
export { latestBatchSource, onBatchSourceChange, publishBatchSource } from './latestBatchSource';
export { Table1 } from './Table1';
export { ConfusionHeatmap, type CellChoice } from './ConfusionHeatmap';
