/** What aks and hdinsight each add to the Azure platform (deploy and teardown are shared ARM work). */
import type { ArmClients } from '../../azure/clients.js';
import type { BenchmarkReport } from '../../report/schema.js';
import type { RunState } from '../../run-state/run-state.js';
import type { ModeContext } from '../platform.js';

export interface AzurePlatformParts {
  submitFlink(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<void>;
  load(ctx: ModeContext, state: RunState, clients: ArmClients, durationSeconds: number): Promise<void>;
  stopLoad(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<void>;
  measure(ctx: ModeContext, state: RunState, clients: ArmClients): Promise<BenchmarkReport>;
}
