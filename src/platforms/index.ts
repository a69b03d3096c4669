import { isAzurePlatform, type PlatformName } from '../config/inputs.js';
import { azurePlatform } from './azure/index.js';
import { localPlatform } from './local/index.js';
import type { Platform } from './platform.js';

export function platformFor(name: PlatformName): Platform {
  // external is the local platform with the user's Kafka (and Flink) in place of the ones it starts.
  return isAzurePlatform(name) ? azurePlatform(name) : localPlatform;
}
