// Public surface of the dashboard: the screen (its sources, Table 1 and heat map are shared: ../shared/metrics).
import './dashboard.css';
export { DashboardScreen } from './DashboardScreen';
