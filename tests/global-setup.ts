// Runs once before the browser specs: writes generated fixtures (frames, bad files).
import { writeFrameFixtures } from './helpers/fixtures';

export default function globalSetup(): void {
  writeFrameFixtures();
}
