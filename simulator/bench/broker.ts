/**
 * The benchmark's broker, through the local platform's launcher (src/platforms/local/kafka.ts):
 *   node broker.js start <runDir> <topic>:<partitions>...   prints the bootstrap servers
 *   node broker.js stop <runDir>
 *   node broker.js classpath          prints the Kafka classpath (kafka-tools included), ':'-separated
 * The started broker's details are kept in <runDir>/kafka-instance.json between the two calls.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../src/errors.js';
import { startKafka, stopKafka, type KafkaInstance } from '../../src/platforms/local/kafka.js';
import { resolveClasspath } from '../../src/platforms/local/maven.js';

async function main(): Promise<void> {
  const [command, runDir, ...topicArgs] = process.argv.slice(2);
  if (command === 'classpath') {
    const { jars } = await resolveClasspath({ component: 'kafka', log: (m) => console.error(m) });
    console.log(jars.join(path.delimiter));
    return;
  }
  if (!runDir || (command !== 'start' && command !== 'stop')) {
    throw new Error('usage: broker.js start <runDir> <topic>:<partitions>... | stop <runDir> | classpath');
  }
  const stateFile = path.join(runDir, 'kafka-instance.json');
  if (command === 'start') {
    const topics = topicArgs.map((arg) => {
      const [name, partitions] = arg.split(':');
      return { name: name!, partitions: Number(partitions ?? 1) };
    });
    const instance = await startKafka({ runDir, topics, log: (m) => console.error(m) });
    await writeFile(stateFile, JSON.stringify(instance, null, 2));
    console.log(instance.bootstrapServers);
  } else {
    const instance = JSON.parse(await readFile(stateFile, 'utf8')) as KafkaInstance;
    console.error(`Kafka ${instance.bootstrapServers}: ${await stopKafka(instance)}`);
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${errorMessage(error)}`);
  process.exit(1);
});
