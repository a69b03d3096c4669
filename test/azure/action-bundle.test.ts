/**
 * The bundled action (dist/index.js, dist/post/index.js) run as the Actions runner runs it: INPUT_*
 * variables, GITHUB_OUTPUT / GITHUB_STATE files, the runner's OIDC variables; the fake ARM's
 * certificate trusted through NODE_EXTRA_CA_CERTS and the endpoints through the environment.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { actionEnvironment, runCommand } from '../helpers/processes.js';
import { startFakeArm, startGitHubOidcServer, type FakeArm, type GitHubOidcServer } from '../helpers/arm-server.js';

let oidc: GitHubOidcServer;
let arm: FakeArm;

beforeAll(async () => {
  oidc = await startGitHubOidcServer();
  arm = await startFakeArm(oidc);
  arm.retryAfterSeconds = 1;
});

afterAll(async () => {
  await arm?.close();
  await oidc?.close();
});

async function step(inputs: Record<string, string>) {
  const action = await actionEnvironment({
    platform: 'aks',
    'solution-name': 'bundle01',
    'client-id': arm.clientId,
    'tenant-id': arm.tenantId,
    'subscription-id': arm.subscriptionId,
    ...inputs,
  });
  const stateFile = path.join(action.env.RUNNER_TEMP!, 'state');
  await writeFile(stateFile, '');
  Object.assign(action.env, {
    GITHUB_STATE: stateFile,
    GITHUB_ACTOR: 'octocat',
    ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
    NODE_EXTRA_CA_CERTS: arm.caFile,
    STREAMING_AT_SCALE_ARM_ENDPOINT: arm.url,
    AZURE_AUTHORITY_HOST: arm.url,
  });
  return { ...action, state: () => readFile(stateFile, 'utf8') };
}

it('deploy then the post step after a failure: group created and deleted, no password printed or output', async () => {
  // The ARM deployment succeeds; the step then fails creating the topics (this fake ARM has no
  // HDInsight provider): the failure after which the post step must delete the group.
  const deploy = await step({
    mode: 'deploy',
  });
  deploy.env['INPUT_WORK-DIR'] = path.join(deploy.env.RUNNER_TEMP!, 'runs');
  const result = await runCommand(process.execPath, ['dist/index.js'], { env: deploy.env, timeoutMs: 120_000 });
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/Created resource group bundle01-rg/);
  expect(result.stdout).toMatch(/Deployment streaming-at-scale-\S+ succeeded/);
  expect(result.stdout).toMatch(/^::error::Reading the gateway login of HDInsight cluster /m);
  const outputs = await deploy.outputs();
  expect(outputs).toContain('resource-group');
  expect(outputs).toContain('bundle01-rg');

  // The passwords ARM received: masked (::add-mask::) and nowhere else in what the step printed or output.
  const body = arm.requests.find((r) => r.method === 'PUT' && /\/deployments\//.test(r.path))!.body as {
    properties: { parameters: Record<string, { value: unknown }> };
  };
  const passwords = ['clusterLoginPassword', 'sshPassword'].map((name) =>
    String(body.properties.parameters[name].value),
  );
  for (const password of passwords) {
    // Workflow commands escape '%' as '%25' (the runner unescapes it before masking).
    expect(result.stdout).toContain(`::add-mask::${password.replace(/%/g, '%25')}`);
    const unmasked = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(unmasked.join('\n') + result.stderr + outputs + (await deploy.state())).not.toContain(password);
  }

  // The post step (post-if: failure()) reads the run from the saved state and deletes the group.
  const saved = (await deploy.state()).match(/^azure-run<<(.+)\n([\s\S]*?)\n\1$/m);
  expect(saved).not.toBeNull();
  const post = await step({ mode: 'deploy' });
  post.env['STATE_azure-run'] = saved![2];
  const cleaned = await runCommand(process.execPath, ['dist/post/index.js'], { env: post.env, timeoutMs: 60_000 });
  expect(cleaned.code).toBe(0);
  expect(cleaned.stdout).toContain('deleting resource group bundle01-rg');
  expect(arm.groups.get('bundle01-rg')?.state).toBe('Deleting');
}, 180_000);
