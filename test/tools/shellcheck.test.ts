/**
 * shellcheck (pinned, installed by scripts/tools/install-shellcheck.sh) on every shell script the
 * repository tracks or is about to: the README's commands, tool installers, benchmarks, and the
 * HDInsight script actions that run on cluster nodes where a mistake is costly to find.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../src/repo-root.js';

const ROOT = repoRoot();

function shellScripts(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.sh', '.ci/run'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed.split('\n').filter(Boolean);
}

test('shellcheck finds nothing in any shell script', () => {
  const shellcheck = execFileSync('bash', [path.join(ROOT, 'scripts/tools/install-shellcheck.sh')], {
    encoding: 'utf8',
  }).trim();
  const scripts = shellScripts();
  expect(scripts).toEqual(expect.arrayContaining(['scripts/hdinsight/submit-flink-job.sh', 'scripts/test.sh']));
  let findings = '';
  try {
    execFileSync(shellcheck, ['-x', ...scripts], { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    findings = (error as { stdout?: string }).stdout || String(error);
  }
  expect(findings).toBe('');
});
