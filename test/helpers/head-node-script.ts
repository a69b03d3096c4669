/**
 * The part of an HDInsight script action only Azure does: running the script on each head node.
 * The test fetches the script from the URL our code gave ARM and runs it for real with bash, as each
 * node would, `hostname` answering that node's name; tools the cluster has (kafka-topics.sh) are
 * given by the caller, e.g. kafkaTopicsTool() running the same tool of the local Kafka.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KafkaInstance } from '../../src/platforms/local/kafka.js';
import type { NodeRun } from './arm/hdinsight.js';

export async function runOnHeadNodes(
  scriptUrl: string,
  args: string[],
  headNodes: string[],
  env: Record<string, string> = {},
): Promise<NodeRun[]> {
  const answer = await fetch(scriptUrl);
  if (!answer.ok) throw new Error(`fetching the script action's script answered ${answer.status}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'sas-head-node-'));
  const script = path.join(dir, 'script.sh');
  await writeFile(script, await answer.text());
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  await writeFile(path.join(bin, 'hostname'), '#!/usr/bin/env bash\necho "${HEAD_NODE%%.*}"\n');
  await chmod(path.join(bin, 'hostname'), 0o755);
  return Promise.all(
    headNodes.map(
      (host) =>
        new Promise<NodeRun>((resolve) => {
          execFile(
            'bash',
            [script, ...args],
            { env: { ...process.env, ...env, HEAD_NODE: host, PATH: `${bin}:${process.env.PATH}` }, timeout: 120_000 },
            (error, stdout, stderr) => {
              const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
              resolve({ host, exitCode, stdout, stderr });
            },
          );
        }),
    ),
  );
}

/** kafka-topics.sh of the local broker's Kafka (the class HDInsight's script runs), as an executable file. */
export async function kafkaTopicsTool(broker: KafkaInstance, dir: string): Promise<string> {
  const launch = broker.jvmArgs.filter((arg) => arg.startsWith('@') || arg.startsWith('-Dlog4j'));
  const file = path.join(dir, 'kafka-topics.sh');
  const quoted = [broker.java, '-Xmx256m', ...launch, 'org.apache.kafka.tools.TopicCommand']
    .map((word) => `'${word.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  await writeFile(file, `#!/usr/bin/env bash\nexec ${quoted} "$@"\n`);
  await chmod(file, 0o755);
  return file;
}
