/**
 * What Kubernetes' controllers and the kubelet do with the objects a test's fake API server
 * stores, as far as clients look: a Deployment gets a ready ReplicaSet and status (what helm --wait
 * checks), and a container's environment is resolved as the kubelet resolves it (plain values and
 * secretKeyRef), so a test can run a pod's real command with the environment the pod would get.
 */
import { createHash } from 'node:crypto';
import type { FakeKubeApi, KubeObject } from './kube-api-server.js';

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[] };
}

export interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
}

export type Workload = KubeObject & {
  spec: { replicas?: number; completions?: number; selector: unknown; template: PodTemplate };
};

/** The Deployment controller and the kubelet: a ReplicaSet owned by the Deployment, all replicas ready. */
export function markDeploymentReady(deployment: Workload, cluster: FakeKubeApi): void {
  const template = deployment.spec.template;
  const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
  const replicas = deployment.spec.replicas ?? 1;
  const owner = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: deployment.metadata.name,
    uid: deployment.metadata.uid!,
    controller: true,
  };
  const ready = { replicas, readyReplicas: replicas, availableReplicas: replicas };
  const replicaSet = cluster.write({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels: { ...template.metadata.labels, 'pod-template-hash': hash },
      ownerReferences: [owner],
    },
    spec: { replicas, selector: deployment.spec.selector, template },
  });
  cluster.write({
    ...replicaSet,
    status: { ...ready, fullyLabeledReplicas: replicas, observedGeneration: replicaSet.metadata.generation },
  });
  cluster.write({
    ...deployment,
    status: { ...ready, updatedReplicas: replicas, observedGeneration: deployment.metadata.generation },
  });
}

/** A container of a workload's pod template by name (init containers included). */
export function podContainer(workload: Workload, name: string): Container {
  const spec = workload.spec.template.spec;
  const container = [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === name);
  if (!container) throw new Error(`${workload.kind} ${workload.metadata.name} has no container ${name}`);
  return container;
}

/** The container's environment as the kubelet gives it: values, and Secret keys decoded. */
export function containerEnv(container: Container, namespace: string, cluster: FakeKubeApi): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const data = cluster.get('Secret', namespace, ref.name)?.data as Record<string, string> | undefined;
      const value = data?.[ref.key];
      if (value === undefined) throw new Error(`Secret ${namespace}/${ref.name} has no key ${ref.key}`);
      env[variable.name] = Buffer.from(value, 'base64').toString('utf8');
    } else if (variable.value !== undefined) env[variable.name] = variable.value;
  }
  return env;
}
