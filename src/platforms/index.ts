import type { PlatformName } from '../config/inputs.js';
import { azurePlatform } from './azure/index.js';
import { localPlatform } from './local/index.js';
import type { Platform } from './platform.js';

export function platformFor(name: PlatformName): Platform {
  return name === 'local' ? localPlatform : azurePlatform(name);
}
