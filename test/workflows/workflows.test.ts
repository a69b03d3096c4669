/**
 * The workflows against action.yml and against each other: every input passed to the action exists,
 * every reusable-workflow input passed or used is declared, actions are pinned, permissions are
 * least, and the benchmark chain has the shape the docs describe.
 */
import { MODES } from '../../src/config/inputs.js';
import {
  actionCalls,
  callsThisAction,
  canRunOnDefaultBranch,
  cancelsUnconditionally,
  concurrencySettings,
  BENCHMARK_ENVIRONMENT,
  environmentOf,
  groupPrefix,
  inputsUsed,
  inputsUsedInConditions,
  loadAction,
  loadWorkflow,
  neverEmpty,
  readWorkflowText,
  resolveEnvironment,
  TEARDOWN_ENVIRONMENT,
  TEARDOWN_MODES,
  type Concurrency,
  workflowFiles,
  type Job,
  type Workflow,
} from './model.js';

const action = loadAction();
const actionInputs = Object.keys(action.inputs);
const files = workflowFiles();
const workflows = new Map<string, Workflow>(files.map((file) => [file, loadWorkflow(file)]));

function jobsCallingWorkflows(): { file: string; job: string; target: string; call: Job }[] {
  const calls = [];
  for (const [file, workflow] of workflows) {
    for (const [job, call] of Object.entries(workflow.jobs)) {
      const target = call.uses?.match(/^\.\/\.github\/workflows\/([\w.-]+\.ya?ml)$/)?.[1];
      if (target) calls.push({ file, job, target, call });
    }
  }
  return calls;
}

describe('the workflows', () => {
  it('exist: the reusable benchmark, dispatch, PR gate, cleanup, CI and release', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'benchmark.yml',
        'dispatch.yml',
        'perf-gate.yml',
        'perf-gate-comment.yml',
        'cleanup.yml',
        'ci.yml',
        'release.yml',
      ]),
    );
  });

  it('pass the action only inputs that action.yml declares, always with a known mode', () => {
    const calls = actionCalls();
    expect(calls.length).toBeGreaterThanOrEqual(8);
    for (const call of calls) {
      const unknown = Object.keys(call.with).filter((name) => !actionInputs.includes(name));
      expect({ where: `${call.file} ${call.job} ${call.step}`, unknown }).toEqual({
        where: `${call.file} ${call.job} ${call.step}`,
        unknown: [],
      });
      expect(MODES).toContain(call.with.mode);
    }
  });

  it('find the action where it is (the step detector sees ./, checkouts in sub-folders and org/streaming-at-scale@ref)', () => {
    const job: Job = { steps: [{ uses: 'actions/checkout@abc', with: { path: '${{ env.DIR }}' } }] };
    expect(callsThisAction('./', undefined)).toBe(true);
    expect(callsThisAction('org/streaming-at-scale@v1', undefined)).toBe(true);
    expect(callsThisAction('./.sas', job, { DIR: '.sas' })).toBe(true);
    expect(callsThisAction('./elsewhere', job, { DIR: '.sas' })).toBe(false);
    expect(callsThisAction('actions/checkout@v6', job)).toBe(false);
    expect(callsThisAction('./.github/workflows/benchmark.yml', job)).toBe(false);
  });

  it('pass a reusable workflow only the inputs and secrets it declares, and every required input', () => {
    const calls = jobsCallingWorkflows();
    expect(calls.map((c) => c.target)).toContain('benchmark.yml');
    for (const { file, job, target, call } of calls) {
      const declared = workflows.get(target)?.on.workflow_call;
      expect({ target, isReusable: declared !== undefined }).toEqual({ target, isReusable: true });
      const inputs = declared!.inputs ?? {};
      const where = `${file} ${job} -> ${target}`;
      expect({ where, unknown: Object.keys(call.with ?? {}).filter((name) => !(name in inputs)) }).toEqual({
        where,
        unknown: [],
      });
      const missing = Object.entries(inputs)
        .filter(([name, input]) => input.required && !(name in (call.with ?? {})))
        .map(([name]) => name);
      expect({ where, missing }).toEqual({ where, missing: [] });
      if (call.secrets && typeof call.secrets === 'object') {
        const secrets = Object.keys(declared!.secrets ?? {});
        expect({ where, unknown: Object.keys(call.secrets).filter((name) => !secrets.includes(name)) }).toEqual({
          where,
          unknown: [],
        });
      }
    }
  });

  it('use only the inputs they declare (workflow_call and workflow_dispatch)', () => {
    for (const [file, workflow] of workflows) {
      const declared = new Set([
        ...Object.keys(workflow.on.workflow_call?.inputs ?? {}),
        ...Object.keys(workflow.on.workflow_dispatch?.inputs ?? {}),
      ]);
      const used = new Set([...inputsUsed(readWorkflowText(file)), ...inputsUsedInConditions(workflow.jobs)]);
      expect({ file, undeclared: [...used].filter((name) => !declared.has(name)).sort() }).toEqual({
        file,
        undeclared: [],
      });
    }
  });

  it('use no job output and no workflow output that is not declared', () => {
    for (const [file, workflow] of workflows) {
      const text = readWorkflowText(file);
      for (const m of text.matchAll(/\b(needs|jobs)\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const [, , jobId, output] = m;
        const job = workflow.jobs[jobId!];
        const outputs = job?.uses ? workflows.get(job.uses.split('/').pop()!)?.on.workflow_call?.outputs : job?.outputs;
        expect({ file, ref: m[0], declared: outputs !== undefined && output! in outputs }).toEqual({
          file,
          ref: m[0],
          declared: true,
        });
      }
    }
  });

  it('pin every third-party action by a full commit SHA, with the version in a comment', () => {
    for (const file of files) {
      for (const line of readWorkflowText(file).split('\n')) {
        const uses = line.match(/^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/);
        if (!uses || uses[1]!.startsWith('./')) continue;
        expect({ file, line: line.trim(), pinned: /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses[1]!) }).toEqual({
          file,
          line: line.trim(),
          pinned: true,
        });
        expect(uses[2]).toMatch(/#\s*v\d+(\.\d+)*/);
      }
    }
  });

  it('set permissions and concurrency on every workflow, and permissions on every job', () => {
    for (const [file, workflow] of workflows) {
      expect({ file, permissions: workflow.permissions }).toEqual({ file, permissions: { contents: 'read' } });
      expect({ file, concurrency: typeof workflow.concurrency?.group }).toEqual({ file, concurrency: 'string' });
      for (const [jobId, job] of Object.entries(workflow.jobs)) {
        expect({ file, jobId, hasPermissions: job.permissions !== undefined }).toEqual({
          file,
          jobId,
          hasPermissions: true,
        });
      }
    }
  });

  it('grant id-token: write only to jobs that sign in to Azure, pull-requests: write only to jobs that comment', () => {
    for (const [file, workflow] of workflows) {
      for (const [jobId, job] of Object.entries(workflow.jobs)) {
        if (job.uses || typeof job.permissions !== 'object') continue; // a call: checked in the called workflow
        const calls = (job.steps ?? []).filter((s) => callsThisAction(s.uses, job, workflow.env));
        const platforms = calls.map((s) => String(s.with?.platform ?? 'local'));
        const modes = calls.map((s) => String(s.with?.mode));
        const signsIn = platforms.some((p) => p !== 'local');
        const comments =
          modes.includes('comment') ||
          (modes.some((m) => m === 'measure' || m === 'run') && calls.some((s) => s.with?.comment !== 'never'));
        const where = `${file} ${jobId}`;
        expect({ where, idToken: job.permissions['id-token'] === 'write' }).toEqual({ where, idToken: signsIn });
        expect({ where, pullRequests: job.permissions['pull-requests'] === 'write' }).toEqual({
          where,
          pullRequests: comments,
        });
        const none = Object.keys(job.permissions).length === 0;
        expect({ where, contents: job.permissions.contents }).toEqual({
          where,
          contents: none ? undefined : jobId === 'major-tag' ? 'write' : 'read',
        });
      }
    }
  });
});

describe('concurrency: a run on the default branch is never cancelled (it produces a baseline)', () => {
  it('no workflow that can run on the default branch cancels in progress unconditionally, nor any of its jobs', () => {
    const offending = [...workflows].flatMap(([file, workflow]) =>
      canRunOnDefaultBranch(workflow.on)
        ? concurrencySettings(workflow)
            .filter(({ concurrency }) => cancelsUnconditionally(concurrency))
            .map(({ where }) => `${file} ${where}`)
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('the workflows that cancel superseded runs spare the default branch, or run only for pull requests', () => {
    expect(workflows.get('ci.yml')!.concurrency!['cancel-in-progress']).toBe(
      "${{ github.ref != format('refs/heads/{0}', github.event.repository.default_branch) }}",
    );
    expect(canRunOnDefaultBranch(workflows.get('perf-gate.yml')!.on)).toBe(false);
  });

  // A run cancels the runs of its group whichever workflow they belong to: a pull request workflow
  // sharing a group with a default-branch one could cancel the latter.
  it("gives every workflow's group its own literal prefix, so no group spans two workflows", () => {
    const prefixes = [...workflows].map(([file, workflow]) => ({ file, prefix: groupPrefix(workflow.concurrency!) }));
    for (const { file, prefix } of prefixes) {
      const clashes = prefixes.filter(
        (other) => other.file !== file && (other.prefix.startsWith(prefix) || prefix.startsWith(other.prefix)),
      );
      expect({ file, prefix, clashes }).toEqual({ file, prefix, clashes: [] });
    }
  });

  it('the check itself: which triggers reach the default branch, and what cancels unconditionally', () => {
    expect(canRunOnDefaultBranch({ pull_request: null })).toBe(false);
    expect(canRunOnDefaultBranch('pull_request')).toBe(false);
    expect(canRunOnDefaultBranch(['pull_request', 'merge_group'])).toBe(false);
    expect(canRunOnDefaultBranch({ push: { tags: ['v*'] } })).toBe(false);
    for (const on of [
      'push',
      ['pull_request', 'push'],
      { push: { branches: ['main'] } },
      { push: { tags: ['v*'], branches: ['main'] } },
      { schedule: [{ cron: '0 * * * *' }] },
      { workflow_dispatch: null },
      { workflow_call: {} },
      { workflow_run: { workflows: ['x'] } },
      { pull_request_target: null },
    ]) {
      expect({ on, reaches: canRunOnDefaultBranch(on) }).toEqual({ on, reaches: true });
    }
    const cases: Array<[Concurrency | undefined, boolean]> = [
      [{ group: 'g', 'cancel-in-progress': true }, true],
      [{ group: 'g', 'cancel-in-progress': 'true' }, true],
      [{ group: 'g', 'cancel-in-progress': '${{ true }}' }, true],
      [{ group: 'g', 'cancel-in-progress': false }, false],
      [{ group: 'g' }, false],
      ['g', false],
      [undefined, false],
      [{ group: 'g', 'cancel-in-progress': "${{ github.ref != 'refs/heads/main' }}" }, false],
    ];
    for (const [concurrency, expected] of cases) {
      expect({ concurrency, cancels: cancelsUnconditionally(concurrency) }).toEqual({ concurrency, cancels: expected });
    }
    const jobLevel = {
      on: { push: null },
      jobs: { a: { concurrency: { group: 'x', 'cancel-in-progress': true } } },
    } as unknown as Workflow;
    expect(concurrencySettings(jobLevel)).toEqual([
      { where: 'jobs.a', concurrency: { group: 'x', 'cancel-in-progress': true } },
    ]);
  });
});

describe('benchmark.yml', () => {
  const benchmark = workflows.get('benchmark.yml')!;
  const call = benchmark.on.workflow_call!;

  it('is a reusable workflow with the documented inputs, secrets and outputs', () => {
    expect(Object.keys(call.inputs!)).toEqual(
      expect.arrayContaining([
        'tier',
        'platform',
        'job',
        'minutes',
        'location',
        'solution-name',
        'client-id',
        'tenant-id',
        'subscription-id',
        'min-percent-of-target',
        'max-p99-latency-ms',
        'max-loss',
      ]),
    );
    expect(Object.keys(call.secrets!).sort()).toEqual(['AZURE_CLIENT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID']);
    // Every measure figure the action outputs is a workflow output too, from either platform's job.
    for (const name of ['verdict', 'steady-events-per-second', 'p99-latency-ms', 'percent-of-target', 'run-id']) {
      expect(Object.keys(action.outputs)).toContain(name);
      expect(call.outputs![name]!.value).toMatch(new RegExp(`jobs\\.(local|deploy)\\.outputs\\.${name}`));
    }
    expect(call.outputs!['report-artifact']).toBeDefined();
  });

  it('gives the same defaults as the action for the inputs they share', () => {
    for (const [name, input] of Object.entries(call.inputs!)) {
      if (!(name in action.inputs) || input.default === undefined) continue;
      const own = action.inputs[name]!;
      // An input whose default depends on the mode states it in its description ("default: 30, and ...").
      const stated = /default: ([^,;.]+)/.exec(own.description)?.[1];
      const defaults = [own.default ?? '', ...(own.default ? [] : [stated])];
      expect({ name, default: String(input.default), allowed: defaults.includes(String(input.default)) }).toEqual({
        name,
        default: String(input.default),
        allowed: true,
      });
    }
  });

  it('runs platform local as one job (mode run) and Azure as deploy -> submit-flink -> load -> measure -> teardown', () => {
    const jobs = benchmark.jobs;
    const modeOf = (job: Job) =>
      job.steps!.filter((s) => callsThisAction(s.uses, job, benchmark.env)).map((s) => s.with!.mode);
    expect(modeOf(jobs.local!)).toEqual(['run']);
    expect(jobs.local!.if).toBe("inputs.platform == 'local'");
    expect(modeOf(jobs.deploy!)).toEqual(['deploy']);
    expect(jobs.deploy!.if).toBe("inputs.platform != 'local'");
    expect(modeOf(jobs['submit-flink']!)).toEqual(['submit-flink']);
    expect(modeOf(jobs.load!)).toEqual(['load']);
    expect(modeOf(jobs.measure!)).toEqual(['measure']);
    expect(modeOf(jobs.teardown!)).toEqual(['teardown']);
    expect([jobs['submit-flink']!.needs].flat()).toContain('deploy');
    expect([jobs.load!.needs].flat()).toContain('submit-flink');
    expect([jobs.measure!.needs].flat()).toContain('load');
    expect([jobs.teardown!.needs].flat()).toEqual(
      expect.arrayContaining(['deploy', 'submit-flink', 'load', 'measure']),
    );
    expect(jobs.teardown!.if).toMatch(/^always\(\) && /);
    // Later stages act on the run deploy made.
    for (const id of ['submit-flink', 'load', 'measure', 'teardown']) {
      const step = jobs[id]!.steps!.find((s) => s.with?.mode)!;
      expect(step.with!['run-id']).toBe('${{ needs.deploy.outputs.run-id }}');
    }
  });

  it('runs the action from a checkout of its own repository at its own commit, never the caller checkout', () => {
    for (const [id, job] of Object.entries(benchmark.jobs)) {
      const checkout = job.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!;
      expect({ id, repository: checkout.with!.repository, ref: checkout.with!.ref }).toEqual({
        id,
        repository: '${{ job.workflow_repository }}',
        ref: '${{ job.workflow_sha }}',
      });
      const step = job.steps!.find((s) => s.with?.mode)!;
      expect(step.uses).toBe('./.streaming-at-scale-action');
    }
  });

  it('uploads the JSON report as an artifact and never cancels a run in progress', () => {
    for (const id of ['local', 'measure']) {
      const upload = benchmark.jobs[id]!.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
      expect(upload.if).toMatch(/^always\(\)/);
      expect(String(upload.with!.path)).toMatch(/outputs\.report-file/);
    }
    expect(benchmark.concurrency!.group).toContain('inputs.solution-name');
    expect(benchmark.concurrency!['cancel-in-progress']).toBe(false);
  });
});

// A pull request can edit any workflow file, its conditions included; a GitHub environment's
// protection rules it cannot. The Azure identity trusts only the environments' subjects
// (repo:OWNER/REPO:environment:NAME, docs/azure-setup.md), so every job that signs in names one: the
// stage jobs the reviewed benchmark environment, teardown and cleanup the unreviewed teardown one.
describe('trust boundary: the Azure jobs run in GitHub environments', () => {
  const azureJobs = [...workflows].flatMap(([file, workflow]) =>
    Object.entries(workflow.jobs).flatMap(([jobId, job]) => {
      const calls = (job.steps ?? []).filter((s) => callsThisAction(s.uses, job, workflow.env));
      const azure = calls.filter((s) => String(s.with?.platform ?? 'local') !== 'local');
      const where = `${file} ${jobId}`;
      return azure.length > 0 ? [{ where, workflow, job, modes: azure.map((s) => String(s.with?.mode)) }] : [];
    }),
  );
  const signsInBeforeTeardown = azureJobs.filter(({ modes }) => modes.some((m) => !TEARDOWN_MODES.includes(m)));
  const tearsDown = azureJobs.filter(({ modes }) => modes.some((m) => TEARDOWN_MODES.includes(m)));

  it('finds the Azure jobs: the stages and teardown of benchmark.yml, and the scheduled cleanup', () => {
    expect(signsInBeforeTeardown.map(({ where }) => where).sort()).toEqual([
      'benchmark.yml deploy',
      'benchmark.yml load',
      'benchmark.yml measure',
      'benchmark.yml submit-flink',
    ]);
    expect(tearsDown.map(({ where }) => where).sort()).toEqual(['benchmark.yml teardown', 'cleanup.yml cleanup']);
  });

  it('every job that signs in to Azure before teardown runs in the benchmark environment (the one with reviewers)', () => {
    for (const { where, workflow, job } of signsInBeforeTeardown) {
      expect({ where, environment: resolveEnvironment(workflow, job).name }).toEqual({
        where,
        environment: BENCHMARK_ENVIRONMENT,
      });
    }
  });

  it('teardown and cleanup never wait for reviewers: they run alone, in the teardown environment, never the benchmark one', () => {
    for (const { where, workflow, job, modes } of tearsDown) {
      const resolved = resolveEnvironment(workflow, job);
      const benchmarkJobs = signsInBeforeTeardown.filter((other) => other.workflow === workflow);
      expect({
        where,
        modes: modes.filter((m) => !TEARDOWN_MODES.includes(m)),
        environment: resolved.name,
        input: resolved.input ?? 'none',
        sharesAStageEnvironment: benchmarkJobs.some((other) => environmentOf(other.job) === environmentOf(job)),
      }).toEqual({
        where,
        modes: [],
        environment: TEARDOWN_ENVIRONMENT,
        input: workflow.on.workflow_call ? 'teardown-environment' : 'none',
        sharesAStageEnvironment: false,
      });
    }
  });

  it('teardown signs in as the teardown identity; the stages never do', () => {
    const benchmark = workflows.get('benchmark.yml')!;
    const clientId = (id: string) => String(benchmark.jobs[id]!.steps!.find((s) => s.with?.mode)!.with!['client-id']);
    expect(clientId('teardown')).toBe(
      '${{ inputs.teardown-client-id || inputs.client-id || secrets.AZURE_CLIENT_ID }}',
    );
    for (const id of ['deploy', 'submit-flink', 'load', 'measure']) expect(clientId(id)).not.toContain('teardown');
    expect(readWorkflowText('cleanup.yml')).toContain('AZURE_CLIENT_ID: ${{ vars.AZURE_TEARDOWN_CLIENT_ID ||');
  });

  it('jobs that run the action only on platform local name no environment', () => {
    const local = [...workflows].flatMap(([file, workflow]) =>
      Object.entries(workflow.jobs)
        .filter(([, job]) => {
          const calls = (job.steps ?? []).filter((s) => callsThisAction(s.uses, job, workflow.env));
          return calls.length > 0 && calls.every((s) => String(s.with?.platform ?? 'local') === 'local');
        })
        .map(([jobId, job]) => ({ where: `${file} ${jobId}`, environment: environmentOf(job) })),
    );
    expect(local.map(({ where }) => where)).toContain('benchmark.yml local');
    for (const { where, environment } of local)
      expect({ where, environment }).toEqual({ where, environment: undefined });
  });

  it('benchmark.yml takes both environments as inputs, the benchmark one by default with reviewers in mind', () => {
    const inputs = workflows.get('benchmark.yml')!.on.workflow_call!.inputs!;
    expect(inputs.environment!.default).toBe(BENCHMARK_ENVIRONMENT);
    expect(inputs['teardown-environment']!.default).toBe(TEARDOWN_ENVIRONMENT);
    expect(inputs['teardown-client-id']!.default).toBe('');
  });

  it('callers of benchmark.yml never pass an environment that can be empty, nor the same one for teardown', () => {
    const calls = jobsCallingWorkflows().filter(({ target }) => target === 'benchmark.yml');
    for (const { file, job, call } of calls) {
      const where = `${file} ${job}`;
      const passed = call.with ?? {};
      for (const name of ['environment', 'teardown-environment'].filter((n) => n in passed)) {
        expect({ where, name, value: passed[name], neverEmpty: neverEmpty(passed[name]) }).toEqual({
          where,
          name,
          value: passed[name],
          neverEmpty: true,
        });
      }
      if ('environment' in passed && 'teardown-environment' in passed)
        expect(passed['teardown-environment']).not.toEqual(passed.environment);
    }
  });

  it('the checks themselves: what an environment resolves to, and which values can be empty', () => {
    const reusable = {
      on: { workflow_call: { inputs: { environment: { default: 'a' }, blank: { default: '' } } } },
      jobs: {},
    } as unknown as Workflow;
    expect(resolveEnvironment(reusable, { environment: '${{ inputs.environment }}' })).toEqual({
      name: 'a',
      input: 'environment',
    });
    expect(resolveEnvironment(reusable, { environment: '${{ inputs.blank }}' })).toEqual({
      name: undefined,
      input: 'blank',
    });
    expect(resolveEnvironment(reusable, { environment: { name: 'b' } })).toEqual({ name: 'b' });
    expect(resolveEnvironment(reusable, {})).toEqual({ name: undefined });
    expect(resolveEnvironment(reusable, { environment: '${{ vars.X }}' }).name).toMatch(/^<expression/);
    for (const value of ['azure-benchmark', "${{ vars.X || 'azure-benchmark' }}"]) expect(neverEmpty(value)).toBe(true);
    for (const value of ['', undefined, '${{ vars.X }}', "${{ vars.X || '' }}"]) expect(neverEmpty(value)).toBe(false);
  });
});

describe('perf-gate.yml', () => {
  const gate = workflows.get('perf-gate.yml')!;

  it('compares base and head in one job on one runner with mode ab, each checkout running its own code', () => {
    const job = gate.jobs.local!;
    const checkouts = job.steps!.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((s) => s.with!.path)).toEqual(['head', 'base']);
    expect(checkouts[1]!.with!.ref).toBe('${{ github.event.pull_request.base.sha }}');
    const calls = job.steps!.filter((s) => callsThisAction(s.uses, job, gate.env));
    expect(calls).toHaveLength(1);
    // Pull request code runs here: it never comments (perf-gate-comment.yml does).
    expect(calls[0]).toMatchObject({
      uses: './head',
      with: { mode: 'ab', platform: 'local', base: 'base', head: 'head', comment: 'never' },
    });
    expect(calls[0]!.with!['report-file']).toBe('${{ runner.temp }}/perf-gate/ab-report.json');
  });

  it('runs the Azure benchmark only for branches of this repository that carry the label', () => {
    const azure = gate.jobs.azure!;
    expect(azure.uses).toBe('./.github/workflows/benchmark.yml');
    expect(azure.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(azure.if).toContain("contains(github.event.pull_request.labels.*.name, 'benchmark-azure')");
    expect(gate.on.pull_request).toBeDefined();
    expect(gate.on).not.toHaveProperty('pull_request_target');
  });
});

describe('fork-safe PR comment: perf-gate.yml -> perf-gate-comment.yml', () => {
  const gate = workflows.get('perf-gate.yml')!;
  const publisher = workflows.get('perf-gate-comment.yml')!;
  const job = publisher.jobs.comment!;

  it('the gate job runs pull request code with a read-only token and uploads the report and the pull request number', () => {
    const local = gate.jobs.local!;
    expect(local.permissions).toEqual({ contents: 'read' });
    expect(JSON.stringify(local)).not.toContain('secrets.');
    const upload = local.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with!.name).toBe('perf-gate-reports');
    expect(String(upload.with!.path)).toContain('/perf-gate/pull-request');
    const record = local.steps!.find((s) => s.run?.includes('pull-request'))!;
    expect(record.run).toContain('"$PULL_REQUEST"');
  });

  it('runs when a perf-gate run completes, for pull request runs that concluded', () => {
    expect(publisher.on).toEqual({ workflow_run: { workflows: [gate.name], types: ['completed'] } });
    expect(job.if).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(job.if).toContain("github.event.workflow_run.conclusion == 'success'");
  });

  it('has the least permissions: read this repository and the run, write only pull request comments', () => {
    expect(publisher.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write' });
  });

  it('never checks out or runs pull request code: the action runs from this workflow commit', () => {
    const text = readWorkflowText('perf-gate-comment.yml');
    expect(text).not.toMatch(/head_sha|pull_request\.head/);
    const checkouts = job.steps!.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]!.with).toEqual({
      ref: '${{ github.workflow_sha }}',
      path: '${{ env.ACTION_DIR }}',
      'persist-credentials': false,
    });
    const runs = job.steps!.filter((s) => s.uses && !s.uses.startsWith('actions/'));
    expect(runs.map((s) => s.uses)).toEqual(['./.streaming-at-scale-action']);
    expect(callsThisAction(runs[0]!.uses, job, publisher.env)).toBe(true);
    expect(job.steps!.indexOf(checkouts[0]!)).toBeGreaterThan(
      job.steps!.findIndex((s) => s.uses?.startsWith('actions/download-artifact@')),
    );
  });

  it("downloads the triggering run's artifact, accepts only digits as the number, and posts with mode comment", () => {
    const download = job.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({
      name: 'perf-gate-reports',
      'run-id': '${{ github.event.workflow_run.id }}',
    });
    // A label-only perf-gate run has no artifact: the later steps are skipped, not failed.
    const after = job.steps!.slice(job.steps!.indexOf(download) + 1);
    expect(after.map((s) => s.if)).toEqual(after.map(() => "steps.download.outcome == 'success'"));
    const number = job.steps!.find((s) => s.id === 'pr')!;
    expect(number.run).toContain('^[1-9][0-9]{0,9}$');
    const comment = job.steps!.find((s) => s.with?.mode === 'comment')!;
    expect(comment.with).toEqual({
      mode: 'comment',
      'report-file': '${{ runner.temp }}/perf-gate/ab-report.json',
      'pull-request': '${{ steps.pr.outputs.number }}',
      comment: 'always',
    });
  });
});

describe('cleanup.yml and release.yml', () => {
  it('cleanup runs on a schedule and by hand, with dry-run only where action.yml has it', () => {
    const cleanup = workflows.get('cleanup.yml')!;
    expect(cleanup.on.schedule).toBeDefined();
    expect(cleanup.on).toHaveProperty('workflow_dispatch');
    const step = actionCalls().find((c) => c.file === 'cleanup.yml')!;
    expect(step.with.mode).toBe('cleanup');
    if (!('dry-run' in action.inputs)) expect(step.with).not.toHaveProperty('dry-run');
  });

  it('release moves the major tag and pushes the simulator image built from the repository root', () => {
    const release = workflows.get('release.yml')!;
    expect(release.on.push).toEqual({ tags: ['v*.*.*'] });
    const build = release.jobs['simulator-image']!.steps!.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    expect(build.with).toMatchObject({ context: '.', file: 'simulator/Dockerfile', push: true });
    expect(release.jobs['simulator-image']!.permissions).toMatchObject({ packages: 'write' });
  });
});
