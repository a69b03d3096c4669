/**
 * Microsoft.ContainerInstance for the fake ARM (push `aci.route` onto `arm.providers`), at the
 * api-version @azure/arm-containerinstance 9.1 sends:
 *
 * - containerGroups PUT: ARM's validation (subnet that exists and is delegated, image reference),
 *   then 201 with provisioningState Pending and an Azure-AsyncOperation header; the operation is
 *   Running for `pollsToProvision` polls, then Succeeded (the group with it). The container then
 *   stays Waiting (pulling) for `pollsToStart` GETs and is Running, or, for a group `exits`
 *   answers for, Terminated with that exit code and those logs;
 * - GET (secure values never returned), DELETE (200 with the group, 204 when there is none), list
 *   by resource group, containers/{name}/logs with tail;
 * - `onCreate` / `onDelete` hooks, for a test that runs the container's command itself
 *   (test/helpers/local-containers.ts).
 *
 * Bodies follow test/fixtures/azure-rest-examples/containerinstance/2025-09-01; errors ARM's shape.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { armError, EXAMPLES, json, send, type ArmCall, type ArmProviderRoute } from '../arm-server.js';

/** What @azure/arm-containerinstance 9.1.0 sends (its default apiVersion). */
export const CONTAINER_INSTANCE_API_VERSION = '2023-05-01';
const EXAMPLE_VERSION = '2025-09-01';

interface EnvironmentVariable {
  name: string;
  value?: string;
  secureValue?: string;
}

interface ContainerRequest {
  name: string;
  properties: {
    image: string;
    command?: string[];
    environmentVariables?: EnvironmentVariable[];
    resources: { requests: { cpu: number; memoryInGB: number } };
  };
}

/** The PUT body as the SDK sent it (secure values included, for assertions). */
export interface ContainerGroupRequest {
  location: string;
  tags?: Record<string, string>;
  properties: {
    containers: ContainerRequest[];
    osType: string;
    restartPolicy?: string;
    subnetIds?: Array<{ id: string }>;
  };
}

export interface FakeContainerGroup {
  resourceGroup: string;
  name: string;
  request: ContainerGroupRequest;
  provisioningState: 'Pending' | 'Succeeded' | 'Failed';
  operationPolls: number;
  /** GETs since provisioning succeeded (the container starts after pollsToStart). */
  reads: number;
  createdAt: string;
}

export interface ContainerExit {
  exitCode: number;
  logs: string;
}

export interface FakeContainerInstances {
  route: ArmProviderRoute;
  /** Current groups, by `<resource group>/<name>` in lower case. */
  groups: Map<string, FakeContainerGroup>;
  /** Every PUT body accepted, in order. */
  created: ContainerGroupRequest[];
  /** Subnet ids that exist, and whether each is delegated to Microsoft.ContainerInstance/containerGroups. */
  subnets: Map<string, { delegated: boolean }>;
  pollsToProvision: number;
  pollsToStart: number;
  /** The running container's output (default: none). */
  logs: (group: FakeContainerGroup) => string;
  /** A group this answers for fails to provision (the operation's error), its image never pulled. */
  provisioningError: (group: FakeContainerGroup) => { code: string; message: string } | undefined;
  /** A group this answers for has terminated (once started) with that exit code and those logs. */
  exits: (group: FakeContainerGroup) => ContainerExit | undefined;
  /** Called once a PUT is accepted (a test may start the container's command itself). */
  onCreate: (group: FakeContainerGroup) => void;
  /** Called when DELETE removes a group (ACI stops its container). */
  onDelete: (group: FakeContainerGroup) => void;
}

type Example = { responses: Record<string, { body?: Record<string, unknown> }> };
const example = (file: string): Example =>
  JSON.parse(readFileSync(path.join(EXAMPLES, 'containerinstance', EXAMPLE_VERSION, file), 'utf8')) as Example;

// Docker's reference grammar, as ACI checks it before pulling anything.
const IMAGE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

export function fakeContainerInstances(): FakeContainerInstances {
  const operations = new Map<string, string>(); // operation id -> group key
  const aci: FakeContainerInstances = {
    groups: new Map(),
    created: [],
    subnets: new Map(),
    pollsToProvision: 2,
    pollsToStart: 1,
    logs: () => '',
    provisioningError: () => undefined,
    exits: () => undefined,
    onCreate: () => undefined,
    onDelete: () => undefined,
    route: (call, response) => handle(call, response),
  };

  function handle(call: ArmCall, response: ServerResponse): boolean {
    const below = call.below ?? '';
    const m = below.match(
      /^\/providers\/Microsoft\.ContainerInstance\/(containerGroups|locations)(?:\/([^/]+))?(?:\/(containers|operations)\/([^/]+))?(\/logs)?$/i,
    );
    if (!m || !call.resourceGroup) return false;
    const [, kind, name, sub, subName, logs] = m;
    if (call.apiVersion !== CONTAINER_INSTANCE_API_VERSION) {
      armError(
        response,
        400,
        'NoRegisteredProviderFound',
        `No registered resource provider found for location 'eastus' and API version '${call.apiVersion}' for type 'containerGroups'. The supported api-versions are '${CONTAINER_INSTANCE_API_VERSION}' (fake).`,
      );
      return true;
    }
    if (!call.arm.groups.has(call.resourceGroup.toLowerCase())) {
      armError(response, 404, 'ResourceGroupNotFound', `Resource group '${call.resourceGroup}' could not be found.`);
      return true;
    }
    const sid = `/subscriptions/${call.arm.subscriptionId}/resourceGroups/${call.resourceGroup}`;
    if (kind.toLowerCase() === 'locations' && sub === 'operations' && call.method === 'GET') {
      operationStatus(
        response,
        subName,
        `${sid}/providers/Microsoft.ContainerInstance/locations/${name}/operations/${subName}`,
      );
      return true;
    }
    if (kind.toLowerCase() !== 'containergroups') return false;
    if (!name) {
      if (call.method !== 'GET') return false;
      const inGroup = [...aci.groups.values()].filter(
        (group) => group.resourceGroup.toLowerCase() === call.resourceGroup!.toLowerCase(),
      );
      json(response, 200, { value: inGroup.map((group) => groupBody(group, call, false)) });
      return true;
    }
    const key = `${call.resourceGroup}/${decodeURIComponent(name)}`.toLowerCase();
    const group = aci.groups.get(key);
    if (sub === 'containers' && logs && call.method === 'GET') {
      if (!group) return (notFound(response, call, name), true);
      const container = group.request.properties.containers.find((c) => c.name === decodeURIComponent(subName));
      if (!container) {
        armError(
          response,
          404,
          'ContainerNotFound',
          `The container '${subName}' in container group '${name}' is not found.`,
        );
        return true;
      }
      const lines = (aci.exits(group)?.logs ?? (containerState(group).state === 'Running' ? aci.logs(group) : ''))
        .split('\n')
        .filter((line, index, all) => line !== '' || index < all.length - 1);
      const tail = call.query.tail === undefined ? lines : lines.slice(-Number(call.query.tail));
      json(response, 200, { content: tail.length ? `${tail.join('\n')}\n` : '' });
      return true;
    }
    if (sub) return false;
    if (call.method === 'PUT') {
      const request = call.body as ContainerGroupRequest;
      const problem = validate(request, `${sid}/providers/Microsoft.ContainerInstance/containerGroups/${name}`, name);
      if (problem) {
        armError(response, 400, problem.code, problem.message);
        return true;
      }
      const created: FakeContainerGroup = {
        resourceGroup: call.resourceGroup,
        name: decodeURIComponent(name),
        request,
        provisioningState: 'Pending',
        operationPolls: 0,
        reads: 0,
        createdAt: new Date().toISOString(),
      };
      aci.groups.set(key, created);
      aci.created.push(request);
      aci.onCreate(created);
      const operationId = randomUUID();
      operations.set(operationId, key);
      const location = request.location.replace(/\s+/g, '').toLowerCase();
      json(response, group ? 200 : 201, groupBody(created, call, true), {
        'Azure-AsyncOperation': `${call.arm.url}${sid}/providers/Microsoft.ContainerInstance/locations/${location}/operations/${operationId}?api-version=${CONTAINER_INSTANCE_API_VERSION}`,
        'Retry-After': '0',
      });
      return true;
    }
    if (call.method === 'GET') {
      if (!group) return (notFound(response, call, name), true);
      if (group.provisioningState === 'Succeeded') group.reads++;
      json(response, 200, groupBody(group, call, true));
      return true;
    }
    if (call.method === 'DELETE') {
      if (!group) {
        send(response, 204, undefined);
        return true;
      }
      aci.groups.delete(key);
      aci.onDelete(group);
      json(response, 200, groupBody(group, call, true));
      return true;
    }
    return false;
  }

  function operationStatus(response: ServerResponse, id: string, operationPath: string): void {
    const group = aci.groups.get(operations.get(id) ?? '');
    if (!group) {
      armError(response, 404, 'OperationNotFound', `The operation '${id}' could not be found.`);
      return;
    }
    const error = aci.provisioningError(group);
    if (group.provisioningState === 'Pending' && ++group.operationPolls >= aci.pollsToProvision)
      group.provisioningState = error ? 'Failed' : 'Succeeded';
    const status = group.provisioningState === 'Pending' ? 'Running' : group.provisioningState;
    json(
      response,
      200,
      { id: operationPath, name: id, status, startTime: group.createdAt, ...(status === 'Failed' ? { error } : {}) },
      status === 'Running' ? { 'Retry-After': '0' } : {},
    );
  }

  /** ARM's checks before it creates anything: the subnet and the image reference. */
  function validate(
    request: ContainerGroupRequest,
    groupId: string,
    name: string,
  ): { code: string; message: string } | undefined {
    for (const { id } of request.properties?.subnetIds ?? []) {
      const subnet = [...aci.subnets].find(([known]) => known.toLowerCase() === id.toLowerCase())?.[1];
      if (!subnet)
        return {
          code: 'InvalidResourceReference',
          message: `Resource ${id} referenced by resource ${groupId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        };
      if (!subnet.delegated)
        return {
          code: 'SubnetMissingRequiredDelegation',
          message: `Subnet missing required delegation 'Microsoft.ContainerInstance' for container group '${name}'.`,
        };
    }
    for (const container of request.properties?.containers ?? []) {
      if (!IMAGE.test(container.properties.image))
        return {
          code: 'InvalidImageName',
          message: `The image '${container.properties.image}' of container '${container.name}' in container group '${name}' is not a valid image reference.`,
        };
      for (const variable of container.properties.environmentVariables ?? [])
        if ((variable.value === undefined) === (variable.secureValue === undefined))
          return {
            code: 'InvalidEnvironmentVariable',
            message: `The environment variable '${variable.name}' of container '${container.name}' must have either a value or a secure value.`,
          };
    }
    return undefined;
  }

  function containerState(group: FakeContainerGroup): {
    state: string;
    detailStatus: string;
    exitCode?: number;
    groupState: string;
  } {
    if (group.provisioningState === 'Failed')
      return { state: 'Waiting', detailStatus: 'ErrImagePull', groupState: 'Failed' };
    if (group.provisioningState !== 'Succeeded' || group.reads <= aci.pollsToStart)
      return { state: 'Waiting', detailStatus: 'Pulling image', groupState: 'Pending' };
    const exit = aci.exits(group);
    if (exit)
      return exit.exitCode === 0
        ? { state: 'Terminated', detailStatus: 'Completed', exitCode: 0, groupState: 'Succeeded' }
        : { state: 'Terminated', detailStatus: 'Error', exitCode: exit.exitCode, groupState: 'Failed' };
    return { state: 'Running', detailStatus: '', groupState: 'Running' };
  }

  function groupBody(group: FakeContainerGroup, call: ArmCall, withInstanceView: boolean): unknown {
    const base = example('ContainerGroupsGet_Succeeded.json').responses['200'].body!;
    const state = containerState(group);
    const image = group.request.properties.containers[0]?.properties.image;
    const at = (seconds: number) => new Date(Date.parse(group.createdAt) + seconds * 1000).toISOString();
    const events = [
      {
        count: 1,
        firstTimestamp: at(1),
        lastTimestamp: at(1),
        name: 'Pulling',
        message: `pulling image "${image}"`,
        type: 'Normal',
      },
      ...(state.detailStatus === 'ErrImagePull'
        ? [
            {
              count: 3,
              firstTimestamp: at(2),
              lastTimestamp: at(30),
              name: 'Failed',
              message: `Failed to pull image "${image}": manifest unknown`,
              type: 'Warning',
            },
          ]
        : []),
      ...(state.state === 'Waiting'
        ? []
        : [
            {
              count: 1,
              firstTimestamp: at(9),
              lastTimestamp: at(9),
              name: 'Pulled',
              message: `Successfully pulled image "${image}"`,
              type: 'Normal',
            },
            {
              count: 1,
              firstTimestamp: at(10),
              lastTimestamp: at(10),
              name: 'Started',
              message: 'Started container',
              type: 'Normal',
            },
          ]),
    ];
    return {
      id: `/subscriptions/${call.arm.subscriptionId}/resourceGroups/${group.resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${group.name}`,
      location: group.request.location,
      name: group.name,
      type: base.type,
      tags: group.request.tags,
      properties: {
        sku: 'Standard',
        provisioningState: group.provisioningState,
        osType: group.request.properties.osType,
        restartPolicy: group.request.properties.restartPolicy,
        subnetIds: group.request.properties.subnetIds,
        ipAddress: group.request.properties.subnetIds ? { ip: '10.0.8.4', type: 'Private', ports: [] } : undefined,
        containers: group.request.properties.containers.map((container) => ({
          name: container.name,
          properties: {
            ...container.properties,
            // ARM never returns a secure value, only the variable's name.
            environmentVariables: (container.properties.environmentVariables ?? []).map((variable) =>
              variable.secureValue === undefined ? variable : { name: variable.name },
            ),
            ...(withInstanceView
              ? {
                  instanceView: {
                    restartCount: 0,
                    currentState: {
                      state: state.state,
                      detailStatus: state.detailStatus,
                      ...(state.state === 'Waiting' ? {} : { startTime: at(10) }),
                      ...(state.exitCode === undefined ? {} : { exitCode: state.exitCode, finishTime: at(12) }),
                    },
                    events,
                  },
                }
              : {}),
          },
        })),
        ...(withInstanceView ? { instanceView: { events: [], state: state.groupState } } : {}),
      },
    };
  }

  return aci;
}

function notFound(response: ServerResponse, call: ArmCall, name: string): void {
  armError(
    response,
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.ContainerInstance/containerGroups/${name}' under resource group '${call.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}
