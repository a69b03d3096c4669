/**
 * The kubeconfig reader: the block-YAML subset kubeconfig writers use, checked against a full YAML
 * parser, and the current context's cluster and credentials picked out of it.
 */
import { parse } from 'yaml';
import { UserError } from '../../src/errors.js';
import { parseKubeconfig, readYaml } from '../../src/kubernetes/kubeconfig.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

// Two clusters and contexts; sequences indented (as kubectl writes them) and quoted scalars.
const KUBECTL_STYLE = `---
# written by kubectl config
apiVersion: v1
kind: Config
clusters:
  - name: other
    cluster:
      server: https://other.example:443
  - name: "aks-1"
    cluster:
      certificate-authority-data: ${b64(CA)}
      server: 'https://aks-1-dns.hcp.eastus.azmk8s.io:443'
contexts:
  - name: other
    context: {cluster: other, user: other}
  - name: aks-1
    context:
      cluster: aks-1
      user: "clusterUser_rg_aks-1"
      namespace: flink   # the default namespace
current-context: aks-1
preferences: {}
users:
  - name: clusterUser_rg_aks-1
    user:
      token: "0f1e2d3c"
`;

test('reads the YAML kubeconfig writers produce exactly as a full YAML parser does', () => {
  const goYaml = [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(CA)}`,
    '    server: https://127.0.0.1:6443',
    '  name: c',
    'contexts: []',
    "current-context: ''",
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: u',
    '  user:',
    '    token: abc',
    '    flags:',
    '    - -v',
    '    - --x=1',
    '',
  ].join('\n');
  expect(readYaml(goYaml, 'test')).toEqual(parse(goYaml));
  const withoutFlow = KUBECTL_STYLE.replace(
    '{cluster: other, user: other}',
    '\n      cluster: other\n      user: other',
  );
  expect(readYaml(withoutFlow, 'test')).toEqual(parse(withoutFlow));
});

test('picks the current context: its cluster, CA and user', () => {
  const access = parseKubeconfig(KUBECTL_STYLE.replace('{cluster: other, user: other}', '{}'), 'cluster aks-1');
  expect(access).toEqual({
    server: 'https://aks-1-dns.hcp.eastus.azmk8s.io:443',
    ca: CA,
    auth: { token: '0f1e2d3c', clientCertificate: undefined, clientKey: undefined },
  });
});

test.each([
  ['a flow mapping', KUBECTL_STYLE, /does not support \("\{", line 15\)/],
  ['a block scalar', 'apiVersion: v1\nclusters: |\n  text\n', /does not support \("\|", line 2\)/],
  ['no current context', 'apiVersion: v1\ncontexts: []\n', /has no context named 'undefined' under contexts/],
])('refuses what it cannot read or use: %s', (_what, text, message) => {
  expect(() => parseKubeconfig(text, 'cluster x')).toThrow(UserError);
  expect(() => parseKubeconfig(text, 'cluster x')).toThrow(message);
});

test('refuses a user without a token or a client certificate and key', () => {
  const text = [
    'clusters:',
    '- name: c',
    '  cluster:',
    '    server: https://c:443',
    'contexts:',
    '- name: c',
    '  context:',
    '    cluster: c',
    '    user: u',
    'current-context: c',
    'users:',
    '- name: u',
    '  user:',
    `    client-certificate-data: ${b64('cert')}`,
  ].join('\n');
  expect(() => parseKubeconfig(text, 'cluster c')).toThrow(
    'The kubeconfig of cluster c has neither a token nor a client certificate and key for its user.',
  );
  expect(() => parseKubeconfig(text.replace('https://c:443', 'http://c:80'), 'cluster c')).toThrow(
    /names no https server/,
  );
});
