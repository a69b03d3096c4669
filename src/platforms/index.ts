import type { PlatformName } from '../config/inputs.js';
import { pendingAzurePlatform } from './azure-pending.js';
import { localPlatform } from './local/index.js';
import type { Platform } from './platform.js';

export function platformFor(name: PlatformName): Platform {
  return name === 'local' ? localPlatform : pendingAzurePlatform(name);
}
