// Public surface of the settings screen.
export { SettingsScreen } from './SettingsScreen';
