/** Resource group operations: create with tags, delete (404 is success), list the toolkit's. */
import type { ResourceGroup } from '@azure/arm-resources';
import { UserError } from '../errors.js';
import type { ArmClients } from './clients.js';
import { armErrorText, statusCodeOf } from './errors.js';
import { TOOLKIT_TAG } from './names.js';

export async function resourceGroupExists(clients: ArmClients, name: string): Promise<boolean> {
  try {
    const result = await clients.resources.resourceGroups.checkExistence(name);
    return result.body;
  } catch (error) {
    if (statusCodeOf(error) === 404) return false;
    throw armFailure(`Could not check resource group '${name}'`, error);
  }
}

export async function putResourceGroup(
  clients: ArmClients,
  name: string,
  location: string,
  tags: Record<string, string>,
): Promise<ResourceGroup> {
  try {
    return await clients.resources.resourceGroups.createOrUpdate(name, { location, tags });
  } catch (error) {
    throw armFailure(`Could not create or update resource group '${name}' in ${location}`, error);
  }
}

export type DeleteOutcome = 'deleted' | 'deleting' | 'absent';

/**
 * Deletes a resource group; one already gone (404) is success. With `wait`, follows ARM's
 * long-running operation to the end; without, returns once ARM accepted the deletion.
 */
export async function deleteResourceGroup(
  clients: ArmClients,
  name: string,
  options: { wait: boolean; signal?: AbortSignal },
): Promise<DeleteOutcome> {
  try {
    const poller = clients.resources.resourceGroups.delete(name, {
      updateIntervalInMs: clients.connection.pollIntervalMs,
      abortSignal: options.signal,
    });
    if (!options.wait) {
      await poller.submitted();
      return 'deleting';
    }
    await poller.pollUntilDone();
    return 'deleted';
  } catch (error) {
    if (statusCodeOf(error) === 404 || /ResourceGroupNotFound/.test(armErrorText(error))) return 'absent';
    throw armFailure(`Could not delete resource group '${name}'`, error);
  }
}

/** Every resource group of the subscription carrying the toolkit's tag. */
export async function listToolkitResourceGroups(clients: ArmClients): Promise<ResourceGroup[]> {
  const groups: ResourceGroup[] = [];
  try {
    const filter = `tagName eq '${TOOLKIT_TAG}' and tagValue eq 'true'`;
    for await (const group of clients.resources.resourceGroups.list({ filter })) groups.push(group);
  } catch (error) {
    throw armFailure('Could not list resource groups', error);
  }
  return groups;
}

/** A UserError carrying ARM's own code and message. */
export function armFailure(what: string, error: unknown): UserError {
  if (error instanceof UserError) return error;
  const status = statusCodeOf(error);
  return new UserError(`${what}${status ? ` (HTTP ${status})` : ''}: ${armErrorText(error)}`);
}
