/**
 * Once before any test file: what several test files would otherwise each fetch or build at once,
 * in parallel workers. Maven's local repository is not safe for parallel downloads, and two
 * `mvn package` runs in one flink-job/target break each other.
 */
import { ensureJobJar } from '../src/flink/job-jar.js';
import { prepareLocalRuntime } from '../src/platforms/local/maven.js';

export default async function globalSetup(): Promise<void> {
  const log = (message: string) => console.log(`[global setup] ${message}`);
  await prepareLocalRuntime({ log });
  await ensureJobJar(log);
}
