/** The Azure part of a run's state (RunState.platformState). */
import type { RunState } from '../run-state/run-state.js';

export interface AzureRunState {
  subscriptionId?: string;
  resourceGroup?: string;
  deploymentName?: string;
  location?: string;
  /** The template's outputs (names, endpoints; never a password). */
  outputs?: Record<string, string>;
  /** When the run must end (ISO 8601): deploy's start + maxDurationMinutes; also the group's deadline tag. */
  deadline?: string;
  maxDurationMinutes?: number;
  /** Set once teardown has deleted (or started deleting) the group. */
  deleted?: boolean;
}

export function azureState(state: RunState): AzureRunState {
  state.platformState.azure ??= {};
  return state.platformState.azure as AzureRunState;
}
