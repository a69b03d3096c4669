/**
 * The run's storage account from a hosted runner: its key through ARM (the run's credential, so no
 * data-plane role assignment is needed), then blobs and short-lived SAS URLs for what runs inside
 * the VNet (Flink fetching the job jar, the measure agent writing its results).
 */
import {
  BlobSASPermissions,
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { Reporter } from '../console/reporter.js';
import { UserError } from '../errors.js';
import type { RunState } from '../run-state/run-state.js';
import type { ArmClients } from './clients.js';
import { armFailure } from './resource-groups.js';
import { azureState } from './state.js';

/** The container of what Flink fetches at submission (the job jar, HDInsight's submit script). */
export const JOB_FILES_CONTAINER = 'submit-flink';

export interface RunStorage {
  accountName: string;
  /** The account key (masked): for what authenticates with it, e.g. Flink's wasbs:// file system. */
  accountKey: string;
  service: BlobServiceClient;
  /** Creates the container if it is missing. */
  ensureContainer(container: string): Promise<void>;
  /** Uploads a local file, replacing any blob of that name. */
  uploadFile(container: string, blobName: string, file: string): Promise<void>;
  /** A read-only URL of one blob, valid for `minutes` (masked in logs). */
  blobReadUrl(container: string, blobName: string, minutes: number): string;
  /** A container URL with SAS for `permissions` (e.g. 'racwl'), valid for `minutes` (masked in logs). */
  containerUrl(container: string, permissions: string, minutes: number): string;
}

export async function openRunStorage(clients: ArmClients, state: RunState, reporter: Reporter): Promise<RunStorage> {
  const azure = azureState(state);
  const accountName = azure.outputs?.storageAccountName;
  if (!azure.resourceGroup || !accountName)
    throw new UserError(`Run ${state.runId} has no storage account recorded: run 'deploy' for it first.`);
  const keys = await clients.storage.storageAccounts
    .listKeys(azure.resourceGroup, accountName)
    .catch((error: unknown) => {
      throw armFailure(`Reading the key of storage account ${accountName}`, error);
    });
  const key = keys.keys?.find((k) => k.value)?.value;
  if (!key) throw new UserError(`ARM returned no key for storage account ${accountName}.`);
  reporter.setSecret(key);
  const sharedKey = new StorageSharedKeyCredential(accountName, key);
  const endpoint = clients.connection.blobEndpoint(accountName);
  const service = new BlobServiceClient(endpoint, sharedKey);

  const sasUrl = (url: string, query: string) => {
    reporter.setSecret(query);
    return `${url}?${query}`;
  };
  const window = (minutes: number) => {
    // A little clock skew between this runner and Azure must not make a fresh SAS "not yet valid".
    const startsOn = new Date(Date.now() - 5 * 60_000);
    return { startsOn, expiresOn: new Date(Date.now() + minutes * 60_000) };
  };
  return {
    accountName,
    accountKey: key,
    service,
    ensureContainer: async (container) => {
      await service.getContainerClient(container).createIfNotExists();
    },
    uploadFile: async (container, blobName, file) => {
      await service.getContainerClient(container).getBlockBlobClient(blobName).uploadFile(file);
    },
    blobReadUrl: (container, blobName, minutes) => {
      const query = generateBlobSASQueryParameters(
        { containerName: container, blobName, permissions: BlobSASPermissions.parse('r'), ...window(minutes) },
        sharedKey,
      ).toString();
      return sasUrl(service.getContainerClient(container).getBlobClient(blobName).url, query);
    },
    containerUrl: (container, permissions, minutes) => {
      const query = generateBlobSASQueryParameters(
        { containerName: container, permissions: ContainerSASPermissions.parse(permissions), ...window(minutes) },
        sharedKey,
      ).toString();
      return sasUrl(service.getContainerClient(container).url, query);
    },
  };
}
