// Public surface of the cases feature: the library screen and the storage banner (saving and viewing one case are shared: ../shared/case).
import './cases.css';
export { CasesScreen } from './CasesScreen';
export { StorageBanner } from './StorageBanner';
