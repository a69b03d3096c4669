/** The simulator image the Azure platforms run (simulator pods, container instances, the measure agent). */
import type { Config } from '../../config/config.js';
import { UserError } from '../../errors.js';

export function simulatorImage(config: Config): string {
  // parseConfig requires it for the modes that run the image; a state-only call path still says how to fix it.
  if (!config.simulatorImage)
    throw new UserError(
      "No simulator image: set the input 'simulator-image' (outside GitHub Actions it has no default).",
    );
  return config.simulatorImage;
}
