/**
 * Reading a kubeconfig: the API server, its CA and the credentials of the current context. AKS
 * writes kubeconfigs as block YAML (go-yaml): nested mappings, "- " sequences, plain or quoted
 * scalars, `{}` / `[]`. That subset is read here, so the toolkit needs no YAML library at run time;
 * anything else is refused with a clear error rather than misread.
 */
import { UserError } from '../errors.js';

/** What a client needs to reach the cluster's API server. */
export interface ClusterAccess {
  /** https://<fqdn>:443 */
  server: string;
  /** The cluster CA (PEM); absent when the kubeconfig relies on the system's trust store. */
  ca?: string;
  auth: {
    token?: string;
    /** PEM client certificate and key (AKS's clusterUser credentials carry them with a token). */
    clientCertificate?: string;
    clientKey?: string;
  };
}

type Yaml = string | null | boolean | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  number: number;
}

/** The current context's cluster and user of a kubeconfig. */
export function parseKubeconfig(text: string, source: string): ClusterAccess {
  const fail = (problem: string) => new UserError(`The kubeconfig of ${source} ${problem}.`);
  const doc = readYaml(text, source);
  if (!isMap(doc)) throw fail('is not a YAML mapping');
  const named = (list: string, name: unknown, field: string) => {
    const entries = Array.isArray(doc[list]) ? doc[list] : [];
    const entry = entries.find((e) => isMap(e) && e.name === name);
    const value = isMap(entry) ? entry[field] : undefined;
    if (!isMap(value)) throw fail(`has no ${field} named '${String(name)}' under ${list}`);
    return value;
  };
  const context = named('contexts', doc['current-context'], 'context');
  const cluster = named('clusters', context.cluster, 'cluster');
  const user = named('users', context.user, 'user');
  if (typeof cluster.server !== 'string' || !cluster.server.startsWith('https://')) {
    throw fail('names no https server for its cluster');
  }
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw fail(
      'authenticates through a plugin (Entra ID with kubelogin); the toolkit needs the cluster\'s local accounts (a token or a client certificate): keep "disableLocalAccounts" off on the AKS cluster',
    );
  }
  const decoded = (value: Yaml | undefined) =>
    typeof value === 'string' ? Buffer.from(value, 'base64').toString() : undefined;
  const access: ClusterAccess = {
    server: cluster.server.replace(/\/+$/, ''),
    auth: {
      token: typeof user.token === 'string' ? user.token : undefined,
      clientCertificate: decoded(user['client-certificate-data']),
      clientKey: decoded(user['client-key-data']),
    },
  };
  const ca = decoded(cluster['certificate-authority-data']);
  if (ca) access.ca = ca;
  if (!access.auth.token && !(access.auth.clientCertificate && access.auth.clientKey)) {
    throw fail('has neither a token nor a client certificate and key for its user');
  }
  return access;
}

function isMap(value: unknown): value is { [key: string]: Yaml } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the block-YAML subset described above. */
export function readYaml(text: string, source: string): Yaml {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trimEnd();
    if (!trimmed.trim() || trimmed.trimStart().startsWith('#') || trimmed === '---') return;
    lines.push({ indent: trimmed.length - trimmed.trimStart().length, text: trimmed.trimStart(), number: index + 1 });
  });
  const unsupported = (line: Line, what: string) =>
    new UserError(`The kubeconfig of ${source} uses YAML this reader does not support (${what}, line ${line.number}).`);
  let at = 0;

  const block = (indent: number): Yaml =>
    lines[at].text.startsWith('- ') || lines[at].text === '-' ? sequence(indent) : mapping(indent);

  const mapping = (indent: number): Yaml => {
    const result: { [key: string]: Yaml } = {};
    while (at < lines.length && lines[at].indent === indent && !lines[at].text.startsWith('-')) {
      const line = lines[at++];
      const match = line.text.match(/^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:'"]+):(?:\s+(.*))?$/);
      if (!match) throw unsupported(line, 'not a "key: value" line');
      const key = String(scalar(match[1], line));
      if (match[2] !== undefined) result[key] = scalar(match[2], line);
      else if (at < lines.length && lines[at].indent > indent) result[key] = block(lines[at].indent);
      // go-yaml writes a mapping's sequence at the key's own indentation.
      else if (at < lines.length && lines[at].indent === indent && lines[at].text.startsWith('-'))
        result[key] = sequence(indent);
      else result[key] = null;
    }
    if (at < lines.length && lines[at].indent > indent) throw unsupported(lines[at], 'unexpected indentation');
    return result;
  };

  const sequence = (indent: number): Yaml[] => {
    const result: Yaml[] = [];
    while (
      at < lines.length &&
      lines[at].indent === indent &&
      (lines[at].text.startsWith('- ') || lines[at].text === '-')
    ) {
      const line = lines[at];
      const rest = line.text.slice(1).trimStart();
      if (!rest) {
        at++;
        result.push(at < lines.length && lines[at].indent > indent ? block(lines[at].indent) : null);
      } else if (/^[^"'{[][^:]*:(\s|$)|^("[^"]*"|'[^']*'):(\s|$)/.test(rest)) {
        // "- key: value": a mapping whose first line shares the dash's line.
        const column = indent + (line.text.length - rest.length);
        lines[at] = { indent: column, text: rest, number: line.number };
        result.push(mapping(column));
      } else {
        at++;
        result.push(scalar(rest, line));
      }
    }
    return result;
  };

  const scalar = (raw: string, line: Line): Yaml => {
    const value = raw.replace(/\s+#.*$/, '').trim();
    if (value === '{}') return {};
    if (value === '[]') return [];
    if (value === '' || value === '~' || value === 'null') return null;
    if (value === 'true' || value === 'false') return value === 'true';
    if (value.startsWith('"')) {
      try {
        return JSON.parse(value) as string;
      } catch {
        throw unsupported(line, 'a double-quoted string with YAML-only escapes');
      }
    }
    if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
    if (/^[[{|>&*!]/.test(value)) throw unsupported(line, `"${value[0]}"`);
    return value;
  };

  if (lines.length === 0) return null;
  const doc = block(lines[0].indent);
  if (at < lines.length) throw unsupported(lines[at], 'text after the document');
  return doc;
}
