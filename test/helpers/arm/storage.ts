/**
 * Microsoft.Storage for the fake ARM (push `storage.route` onto `arm.providers`), at the api-version
 * @azure/arm-storage 21 sends: POST storageAccounts/{name}/listKeys answers the keys of an account
 * added with addAccount (key1 = the given key, e.g. Azurite's, and a key2), in the shape of the
 * service's StorageAccountListKeysResult; an unknown account is ARM's 404 ResourceNotFound, another
 * api-version its 400 InvalidApiVersionParameter.
 */
import { randomBytes } from 'node:crypto';
import { armError, json, type ArmProviderRoute } from '../arm-server.js';

/** What @azure/arm-storage 21.0.0 sends (its default apiVersion). */
export const STORAGE_API_VERSION = '2026-09-01';

interface StorageKey {
  keyName: string;
  value: string;
  permissions: 'FULL';
  creationTime: string;
}

export interface FakeStorage {
  route: ArmProviderRoute;
  /** Keys by `<resource group>/<account>` in lower case. */
  accounts: Map<string, StorageKey[]>;
  addAccount(resourceGroup: string, accountName: string, key: string): void;
  /** listKeys calls answered, in order (account names). */
  keyReads: string[];
}

export function fakeStorage(): FakeStorage {
  const storage: FakeStorage = {
    accounts: new Map(),
    keyReads: [],
    addAccount: (resourceGroup, accountName, key) => {
      const creationTime = new Date().toISOString();
      storage.accounts.set(`${resourceGroup}/${accountName}`.toLowerCase(), [
        { keyName: 'key1', value: key, permissions: 'FULL', creationTime },
        { keyName: 'key2', value: randomBytes(64).toString('base64'), permissions: 'FULL', creationTime },
      ]);
    },
    route: (call, response) => {
      const listKeys = call.below?.match(/^\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)\/listKeys$/i);
      if (!listKeys || !call.resourceGroup) return false;
      if (call.apiVersion !== STORAGE_API_VERSION) {
        armError(
          response,
          400,
          'InvalidApiVersionParameter',
          `The api-version '${call.apiVersion}' is invalid. The supported versions are '${STORAGE_API_VERSION}' (fake).`,
        );
        return true;
      }
      if (call.method !== 'POST') {
        armError(
          response,
          405,
          'MethodNotAllowed',
          `The requested resource does not support http method '${call.method}'.`,
        );
        return true;
      }
      const accountName = decodeURIComponent(listKeys[1]!);
      const keys = storage.accounts.get(`${call.resourceGroup}/${accountName}`.toLowerCase());
      if (!keys) {
        armError(
          response,
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.Storage/storageAccounts/${accountName}' under resource group '${call.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
        return true;
      }
      storage.keyReads.push(accountName);
      json(response, 200, { keys });
      return true;
    },
  };
  return storage;
}
