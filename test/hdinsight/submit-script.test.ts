/**
 * The script action's bash script (scripts/hdinsight/submit-flink-job.sh): shellcheck clean, and
 * run for real by bash with the head node's commands it calls (hostname, curl, hadoop, yarn, and
 * Flink's bin/flink inside the downloaded distribution) replaced by stubs that record their
 * arguments: what it downloads and checks, which node submits, what Flink is given, what it prints.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { JOB_MAIN_CLASS } from '../../src/flink/job-spec.js';
import { submitScriptPath } from '../../src/platforms/hdinsight/submit.js';

const run = promisify(execFile);
const SCRIPT = submitScriptPath();
const JAR_URL =
  'https://sasbench01storage.blob.core.windows.net/submit-flink/run1/job.jar?sv=2025-01-05&sp=r&sig=abc%2Bdef%3D';
const APP_NAME = 'streaming-at-scale-20261126-101500-ab12';
const NEW_APP = 'application_1764146400000_0007';
const JOB_ARGS = [
  '--job',
  'simple-relay',
  '--bootstrap-servers',
  '10.0.0.12:9092,10.0.0.13:9092',
  '--parallelism',
  '2',
];

describe('run by bash with stubbed head-node commands', () => {
  let dir: string;
  let log: string;
  let yarnApps: string;
  let distArchive: string;

  /** A stub command on the script's PATH. */
  async function stub(name: string, body: string): Promise<void> {
    const file = path.join(dir, 'bin', name);
    await writeFile(file, `#!/usr/bin/env bash\nset -euo pipefail\n${body}\n`);
    await chmod(file, 0o755);
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sas-hdi-script-'));
    log = path.join(dir, 'calls.log');
    yarnApps = path.join(dir, 'yarn-apps.tsv');
    await mkdir(path.join(dir, 'bin'));
    await stub('hostname', 'echo "$FAKE_HOSTNAME"');
    await stub('hadoop', '[[ $1 == classpath ]] && echo "/etc/hadoop/conf:/usr/hdp/current/hadoop-client/*"');
    // curl -fsSL ... -o <file> <url>: the archive, its checksum, or the jar.
    await stub(
      'curl',
      [
        'out=""; url=""',
        'while [[ $# -gt 0 ]]; do case $1 in -o) out=$2; shift 2 ;; --retry|--retry-delay) shift 2 ;; -*) shift ;; *) url=$1; shift ;; esac; done',
        'echo "curl $url" >>"$FAKE_LOG"',
        'case $url in',
        '  *.tgz) cp "$FAKE_DIST" "$out" ;;',
        '  *.tgz.sha512) echo "${FAKE_SHA512}  flink-1.20.5-bin-scala_2.12.tgz" >"$out" ;;',
        '  *) echo "jar bytes" >"$out" ;;',
        'esac',
      ].join('\n'),
    );
    // yarn application -list | -kill: the applications in $FAKE_YARN_APPS, one per line.
    await stub(
      'yarn',
      [
        'if [[ $2 == -list ]]; then',
        '  echo "Total number of applications (application-types: [], states: [NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING] and tags: []):$(wc -l <"$FAKE_YARN_APPS")"',
        '  printf "                Application-Id\\t    Application-Name\\t    Application-Type\\t      User\\t     Queue\\t             State\\n"',
        '  cat "$FAKE_YARN_APPS"',
        'elif [[ $2 == -kill ]]; then',
        '  echo "yarn kill $3" >>"$FAKE_LOG"',
        '  grep -v "^$3" "$FAKE_YARN_APPS" >"$FAKE_YARN_APPS.new" || true',
        '  mv "$FAKE_YARN_APPS.new" "$FAKE_YARN_APPS"',
        'fi',
      ].join('\n'),
    );
    // Flink's distribution: bin/flink records its arguments and "submits" to the stub YARN.
    const dist = path.join(dir, 'dist');
    await mkdir(path.join(dist, 'flink-1.20.5', 'bin'), { recursive: true });
    await mkdir(path.join(dist, 'flink-1.20.5', 'log'));
    await writeFile(
      path.join(dist, 'flink-1.20.5', 'bin', 'flink'),
      [
        '#!/usr/bin/env bash',
        'echo "flink $*" >>"$FAKE_LOG"',
        'echo "HADOOP_CLASSPATH=$HADOOP_CLASSPATH HADOOP_CONF_DIR=$HADOOP_CONF_DIR" >>"$FAKE_LOG"',
        'here=$(dirname "$0")',
        'if [[ -n ${FAKE_FLINK_FAIL:-} ]]; then',
        '  echo "org.apache.flink.client.deployment.ClusterDeploymentException: Could not deploy Yarn job cluster." >&2',
        '  echo "client log: The YARN cluster has no resources" >"$here/../log/flink-root-client-hn0.log"',
        '  exit 1',
        'fi',
        'name=$(printf "%s\\n" "$@" | sed -n "s/^-Dyarn.application.name=//p")',
        `printf "${NEW_APP}\\t%s\\tApache Flink\\troot\\tdefault\\tACCEPTED\\n" "$name" >>"$FAKE_YARN_APPS"`,
        'echo "Job has been submitted with JobID 4f1c0d6b2e8a4d6f9a1b3c5d7e9f0a12"',
      ].join('\n'),
    );
    await chmod(path.join(dist, 'flink-1.20.5', 'bin', 'flink'), 0o755);
    distArchive = path.join(dir, 'flink-1.20.5-bin-scala_2.12.tgz');
    await run('tar', ['-czf', distArchive, '-C', dist, 'flink-1.20.5']);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function runScript(
    host: string,
    options: { args?: string[]; env?: Record<string, string>; installDir?: string } = {},
  ) {
    await writeFile(log, '');
    const sha512 = createHash('sha512')
      .update(await readFile(distArchive))
      .digest('hex');
    const args = options.args ?? [Buffer.from(JAR_URL).toString('base64'), JOB_MAIN_CLASS, '2', APP_NAME, ...JOB_ARGS];
    const env = {
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      HOME: dir,
      FAKE_HOSTNAME: host,
      FAKE_LOG: log,
      FAKE_YARN_APPS: yarnApps,
      FAKE_DIST: distArchive,
      FAKE_SHA512: sha512,
      STREAMING_AT_SCALE_INSTALL_DIR: options.installDir ?? path.join(dir, 'install'),
      ...options.env,
    };
    const result = await run('bash', [SCRIPT, ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    return { ...result, calls: (await readFile(log, 'utf8')).trim().split('\n').filter(Boolean) };
  }

  test('the second head node does nothing', async () => {
    const result = await runScript('hn1-sasben');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Head node hn1-sasben: nothing to do (the job is submitted from hn0 only).\n');
    expect(result.calls).toEqual([]);
  });

  test('hn0 fetches Flink (checked) and the jar, replaces a live job of the run, submits and prints the application id', async () => {
    const older = 'application_1764146400000_0003';
    const other = 'application_1764146400000_0004';
    await writeFile(
      yarnApps,
      `${older}\t${APP_NAME}\tApache Flink\troot\tdefault\tRUNNING\n${other}\tsome-other-job\tSPARK\tlivy\tdefault\tRUNNING\n`,
    );
    const result = await runScript('hn0-sasben');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.calls).toEqual([
      'curl https://archive.apache.org/dist/flink/flink-1.20.5/flink-1.20.5-bin-scala_2.12.tgz',
      'curl https://archive.apache.org/dist/flink/flink-1.20.5/flink-1.20.5-bin-scala_2.12.tgz.sha512',
      `curl ${JAR_URL}`,
      `yarn kill ${older}`,
      expect.stringMatching(
        new RegExp(
          `^flink run-application -t yarn-application -Dyarn\\.application\\.name=${APP_NAME} -Dparallelism\\.default=2 -c ${JOB_MAIN_CLASS.replace(/\./g, '\\.')} /\\S+/job\\.jar ${JOB_ARGS.join(' ')}$`,
        ),
      ),
      'HADOOP_CLASSPATH=/etc/hadoop/conf:/usr/hdp/current/hadoop-client/* HADOOP_CONF_DIR=/etc/hadoop/conf',
    ]);
    expect(result.stdout).toContain('Job has been submitted with JobID');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`YARN application: ${NEW_APP}`);
    // The other job was left alone.
    expect(await readFile(yarnApps, 'utf8')).toContain(other);

    // Flink stays installed on the node: a second submit fetches only the jar.
    await writeFile(yarnApps, '');
    const again = await runScript('hn0-sasben');
    expect(again.code).toBe(0);
    expect(again.calls.filter((call) => call.startsWith('curl'))).toEqual([`curl ${JAR_URL}`]);
  });

  test('a Flink archive that does not match its SHA-512 is refused', async () => {
    const result = await runScript('hn0-sasben', {
      env: { FAKE_SHA512: '0'.repeat(128) },
      installDir: path.join(dir, 'fresh-install'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'The SHA-512 of flink-1.20.5-bin-scala_2.12.tgz does not match https://archive.apache.org/dist/flink/flink-1.20.5/flink-1.20.5-bin-scala_2.12.tgz.sha512',
    );
    expect(result.calls.some((call) => call.startsWith('flink'))).toBe(false);
  });

  test("a failed submission exits non-zero with Flink's output and its client log on stderr", async () => {
    await writeFile(yarnApps, '');
    const result = await runScript('hn0-sasben', { env: { FAKE_FLINK_FAIL: '1' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('flink run-application failed:');
    expect(result.stderr).toContain('Could not deploy Yarn job cluster.');
    expect(result.stderr).toContain('client log: The YARN cluster has no resources');
    expect(result.stdout).not.toContain('YARN application:');
  });

  test('too few arguments: usage on stderr, exit 2', async () => {
    const result = await runScript('hn0-sasben', { args: ['only-one'] });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^usage: .*submit-flink-job\.sh <jar-url-base64> <entry-class> <parallelism> <yarn-application-name>/,
    );
  });
});
