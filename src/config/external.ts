/**
 * Platform `external`: the Kafka cluster (and optionally the Flink cluster) the user already has,
 * from the kafka-* and flink-* inputs. Pure, like parseConfig: every problem is one InputError;
 * the CA file is read when a client connects (src/kafka/client.ts).
 */
import { InputError } from '../errors.js';
import {
  KAFKA_SASL_MECHANISMS,
  KAFKA_SECURITY_PROTOCOLS,
  usesSasl,
  usesTls,
  type KafkaSecurity,
} from '../kafka/security.js';
import { INPUTS, type InputName, type PlatformName } from './inputs.js';
import { bool, oneOf } from './values.js';

/** A Flink cluster's REST API as a user gives it: its URL and the Authorization header it needs, if any. */
export interface FlinkEndpoint {
  restUrl: string;
  authHeader?: string;
}

export interface ExternalOptions {
  kafka: {
    bootstrapServers: string;
    security: KafkaSecurity;
    /** true: the run creates its topics and teardown deletes them; false: existing topics, kept. */
    createTopics: boolean;
  };
  /** A Flink cluster of the user's; undefined: one started on this machine for the run. */
  flink?: FlinkEndpoint;
}

/** Every input of platform external (refused elsewhere; the post step passes them on). */
export const EXTERNAL_INPUTS = [
  'kafka-bootstrap-servers',
  'kafka-security-protocol',
  'kafka-sasl-mechanism',
  'kafka-username',
  'kafka-password',
  'kafka-ca-file',
  'flink-rest-url',
  'flink-rest-auth-header',
  'create-topics',
] as const satisfies readonly InputName[];

// host:port, the host a DNS name, IPv4 address or bracketed IPv6 address.
const BROKER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

/**
 * The external platform's options, present exactly on platform external; on any other platform an
 * external-only input that was given is refused, naming it.
 */
export function parseExternal(
  platform: PlatformName,
  value: (name: InputName) => string,
  given: (name: InputName) => boolean,
): ExternalOptions | undefined {
  if (platform !== 'external') {
    const stray = EXTERNAL_INPUTS.find((name) => given(name) && value(name) !== INPUTS[name].default);
    if (stray) {
      throw new InputError(
        stray,
        value(stray),
        `It applies to platform 'external' (a Kafka cluster of yours); platform is '${platform}': remove it, or set platform to external.`,
      );
    }
    return undefined;
  }
  const bootstrapServers = brokers(value('kafka-bootstrap-servers'));
  const security = kafkaSecurity(value, given);
  const restUrl = value('flink-rest-url');
  const authHeader = value('flink-rest-auth-header');
  if (authHeader && !restUrl) {
    throw new InputError(
      'flink-rest-auth-header',
      authHeader,
      "It authenticates to a Flink cluster of yours: set 'flink-rest-url' as well, or remove it (the Flink started here needs none).",
    );
  }
  if (restUrl && /[\r\n]/.test(authHeader)) {
    throw new InputError('flink-rest-auth-header', authHeader, 'A header value is one line: remove the line break.');
  }
  return {
    kafka: { bootstrapServers, security, createTopics: bool('create-topics', value('create-topics')) },
    flink: restUrl ? { restUrl: flinkUrl(restUrl), ...(authHeader ? { authHeader } : {}) } : undefined,
  };
}

function brokers(text: string): string {
  if (text === '') {
    throw new InputError(
      'kafka-bootstrap-servers',
      text,
      "Platform 'external' benchmarks a Kafka cluster of yours: give its bootstrap servers as host:port[,host:port...], e.g. 'broker1.example.com:9093'.",
    );
  }
  const list = text.split(',').map((broker) => broker.trim());
  const bad = list.find((broker) => {
    const port = BROKER.exec(broker)?.[1];
    return port === undefined || Number(port) < 1 || Number(port) > 65535;
  });
  if (bad !== undefined) {
    throw new InputError(
      'kafka-bootstrap-servers',
      text,
      `${bad === '' ? 'An empty entry' : `'${bad}'`} is not host:port: give host:port[,host:port...] (a port from 1 to 65535, no scheme), e.g. 'broker1.example.com:9093'.`,
    );
  }
  return list.join(',');
}

function kafkaSecurity(value: (name: InputName) => string, given: (name: InputName) => boolean): KafkaSecurity {
  const protocol = oneOf(
    'kafka-security-protocol',
    value('kafka-security-protocol').toUpperCase(),
    KAFKA_SECURITY_PROTOCOLS,
  );
  const security: KafkaSecurity = { protocol };
  const caFile = value('kafka-ca-file');
  if (caFile) {
    if (!usesTls(security)) {
      throw new InputError(
        'kafka-ca-file',
        caFile,
        `A CA file verifies the brokers' TLS certificates, and kafka-security-protocol ${protocol} uses no TLS: set it to SSL or SASL_SSL, or remove kafka-ca-file.`,
      );
    }
    security.caFile = caFile;
  }
  const saslInputs = ['kafka-sasl-mechanism', 'kafka-username', 'kafka-password'] as const;
  if (!usesSasl(security)) {
    const stray = saslInputs.find((name) => given(name) && value(name) !== INPUTS[name].default);
    if (stray) {
      throw new InputError(
        stray,
        value(stray),
        `It is a SASL setting, and kafka-security-protocol ${protocol} uses no SASL: set it to SASL_SSL (or SASL_PLAINTEXT), or remove ${stray}.`,
      );
    }
    return security;
  }
  const mechanism = oneOf('kafka-sasl-mechanism', value('kafka-sasl-mechanism').toUpperCase(), KAFKA_SASL_MECHANISMS);
  const username = value('kafka-username');
  if (username === '') {
    throw new InputError(
      'kafka-username',
      username,
      `kafka-security-protocol ${protocol} signs in with SASL ${mechanism}: give the user name (Azure Event Hubs: '$ConnectionString').`,
    );
  }
  const password = value('kafka-password');
  if (password === '') {
    throw new InputError(
      'kafka-password',
      password,
      `SASL ${mechanism} as ${username} needs the password: set the environment variable STREAMING_AT_SCALE_KAFKA_PASSWORD (a secret; a command line flag is visible in ps), or the action input kafka-password from a secret.`,
    );
  }
  return { ...security, sasl: { mechanism, username, password } };
}

function flinkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    const credentials = url.username !== '' || url.password !== '';
    throw new InputError(
      'flink-rest-url',
      // Never echo credentials given in the URL.
      credentials ? `${url.protocol}//***@${url.host}${url.pathname}` : text,
      credentials
        ? "Put no credentials in the URL: give them in 'flink-rest-auth-header' (a secret), e.g. 'Basic <base64 of user:password>'."
        : "Expected the http(s) URL of a Flink REST API, e.g. 'https://flink.example.com:8081'.",
    );
  }
  return text.replace(/\/+$/, '');
}
