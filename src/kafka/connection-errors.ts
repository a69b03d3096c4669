/**
 * What a failed connection to a Kafka cluster of the user's (platform external) means, in one line
 * that names the input to fix. The shapes recognized are those kafkajs 2.2.4 produces against a
 * real broker (test/kafka/secure-broker.test.ts triggers each):
 *
 * - wrong user, password, or a user that does not exist for the mechanism: KafkaJSSASLAuthenticationError
 *   ("SASL PLAIN authentication failed: Authentication failed: Invalid username or password",
 *   "SASL SCRAM SHA256 authentication failed: ... invalid credentials with SASL mechanism SCRAM-SHA-256");
 * - a mechanism the listener does not enable: KafkaJSProtocolError type UNSUPPORTED_SASL_MECHANISM (code 33);
 * - SASL against a listener without SASL: KafkaJSProtocolError type ILLEGAL_SASL_STATE (code 34);
 * - certificates: KafkaJSConnectionError with Node's TLS code (SELF_SIGNED_CERT_IN_CHAIN,
 *   UNABLE_TO_VERIFY_LEAF_SIGNATURE, DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID);
 * - TLS against a plaintext port: KafkaJSConnectionError code ECONNRESET ("Client network socket
 *   disconnected before secure TLS connection was established"), or "Connection timeout";
 * - no TLS (or no SASL) against a port that expects it: KafkaJSConnectionClosedError "Closed connection";
 * - unreachable: KafkaJSConnectionError code ECONNREFUSED / ENOTFOUND, or "Connection timeout";
 * - a missing topic: KafkaJSProtocolError type UNKNOWN_TOPIC_OR_PARTITION (code 3).
 *
 * Retried failures come wrapped in KafkaJSNumberOfRetriesExceeded (the last attempt's error is its
 * `cause`). The password is never part of the line: kafkajs does not repeat it, and it is replaced
 * by *** should anything ever do.
 */
import { UserError } from '../errors.js';
import type { KafkaConnection } from './client.js';
import { describeSecurity, PLAINTEXT, usesSasl, usesTls } from './security.js';

/** The inputs a message tells the user to check. */
const INPUT = {
  servers: "'kafka-bootstrap-servers'",
  protocol: "'kafka-security-protocol'",
  mechanism: "'kafka-sasl-mechanism'",
  username: "'kafka-username'",
  password: "'kafka-password' (environment variable STREAMING_AT_SCALE_KAFKA_PASSWORD)",
  caFile: "'kafka-ca-file'",
} as const;

/** Node's TLS verification codes that mean "signed by no CA we trust". */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const EXPIRED_CERTIFICATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  type?: unknown;
  broker?: unknown;
}

/** The error and what it wraps (cause, originalError, an aggregate's errors), outermost first. */
function chain(error: unknown): ErrorLike[] {
  const found: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 10) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || found.includes(next as ErrorLike)) continue;
    const e = next as ErrorLike & { cause?: unknown; originalError?: unknown; errors?: unknown };
    found.push(e);
    queue.push(e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : []));
  }
  return found;
}

/** Node's reason without kafkajs's prefix and Node's "--use-system-ca" hint. */
function reason(e: ErrorLike): string {
  return String(e.message ?? '')
    .replace(/^Connection error: /, '')
    .replace(/; if the root CA is installed locally.*$/, '');
}

/**
 * One line for a failed Kafka call on `connection` (connect, admin, produce, consume): what went
 * wrong and which input to fix. `context.topic` names the topic the call was about, if any.
 */
export function describeKafkaError(
  error: unknown,
  connection: KafkaConnection,
  context: { topic?: string } = {},
): string {
  const security = connection.security ?? PLAINTEXT;
  const password = security.sasl?.password ?? '';
  const text = message(error, connection, context.topic).replace(/\s*\n\s*/g, ' ');
  return password ? text.replaceAll(password, '***') : text;
}

function message(error: unknown, connection: KafkaConnection, topic: string | undefined): string {
  if (error instanceof UserError) return error.message;
  const security = connection.security ?? PLAINTEXT;
  const errors = chain(error);
  const find = (test: (e: ErrorLike) => boolean) => errors.find(test);
  const broker = (e?: ErrorLike) =>
    typeof e?.broker === 'string' && e.broker ? e.broker : connection.bootstrapServers;
  const at = `Kafka at ${connection.bootstrapServers} (${describeSecurity(security)})`;
  const mechanism = security.sasl?.mechanism ?? 'none';
  const tls = usesTls(security);
  const sasl = usesSasl(security);

  const unsupported = find(
    (e) =>
      e.type === 'UNSUPPORTED_SASL_MECHANISM' ||
      (e.name === 'KafkaJSSASLAuthenticationError' &&
        /not supported by the server|unsupported sasl mechanism/i.test(String(e.message))),
  );
  if (unsupported) {
    return `${at} does not offer SASL mechanism ${mechanism} on this port: set ${INPUT.mechanism} to one the cluster enables (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; Azure Event Hubs: PLAIN).`;
  }
  const login = find((e) => e.name === 'KafkaJSSASLAuthenticationError');
  if (login) {
    const said = String(login.message).replace(/^SASL .* authentication failed: /, '');
    return `${at} rejected the login of user '${security.sasl?.username ?? ''}' (${said}): check ${INPUT.username} and ${INPUT.password}, and that the user exists for ${INPUT.mechanism} ${mechanism} (PLAIN and SCRAM users are set up separately).`;
  }
  if (find((e) => e.type === 'ILLEGAL_SASL_STATE')) {
    const without = security.protocol === 'SASL_SSL' ? 'SSL' : 'PLAINTEXT';
    return sasl
      ? `${at}: this port takes no SASL login (ILLEGAL_SASL_STATE): set ${INPUT.protocol} to ${without}, or give the port of the cluster's ${security.protocol} listener in ${INPUT.servers}.`
      : `${at}: the broker refused the request (ILLEGAL_SASL_STATE): check that ${INPUT.protocol} matches the listener of the port in ${INPUT.servers}.`;
  }

  const untrusted = find((e) => typeof e.code === 'string' && UNTRUSTED_CERTIFICATE.has(e.code));
  if (untrusted) {
    const fix = security.caFile
      ? `the CA file '${security.caFile}' (${INPUT.caFile}) is not the CA that signed it: give the PEM certificate of the CA that issued the brokers' certificates`
      : `set ${INPUT.caFile} to the PEM certificate of the CA that issued the brokers' certificates (the system's CAs do not trust it)`;
    return `The TLS certificate of Kafka at ${broker(untrusted)} is not trusted (${untrusted.code}: ${reason(untrusted)}): ${fix}.`;
  }
  const mismatch = find((e) => e.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
  if (mismatch) {
    return `The TLS certificate of Kafka at ${broker(mismatch)} is not for that host (${reason(mismatch)}): in ${INPUT.servers}, use a host name the certificate names.`;
  }
  const expired = find((e) => typeof e.code === 'string' && EXPIRED_CERTIFICATE.has(e.code));
  if (expired) {
    return `The TLS certificate of Kafka at ${broker(expired)} is not valid now (${expired.code}): the cluster's certificate needs renewing, or this machine's clock is wrong.`;
  }

  const refused = find((e) => typeof e.code === 'string' && UNREACHABLE.has(e.code));
  if (refused) {
    const what = refused.code === 'ENOTFOUND' || refused.code === 'EAI_AGAIN' ? 'host name not found' : reason(refused);
    return `Cannot reach Kafka at ${broker(refused)} (${what}): check the hosts and ports in ${INPUT.servers}, and that the cluster runs and is reachable from here (firewall, network rules).`;
  }
  const handshake = find(
    (e) => e.code === 'ECONNRESET' || e.code === 'EPROTO' || /secure TLS connection/.test(String(e.message)),
  );
  if (handshake && tls) {
    return `Kafka at ${broker(handshake)} broke off the TLS handshake (${reason(handshake)}): the port may not use TLS — check ${INPUT.protocol} (${security.protocol}; a port without TLS is PLAINTEXT or SASL_PLAINTEXT) and the port in ${INPUT.servers}.`;
  }
  const timeout = find((e) => e.message === 'Connection timeout');
  if (timeout) {
    return tls
      ? `Kafka at ${broker(timeout)} did not answer in time (connection and TLS handshake): check the host and port in ${INPUT.servers} and that it is reachable from here, and that the port uses TLS (${INPUT.protocol}: ${security.protocol}).`
      : `Kafka at ${broker(timeout)} did not answer in time: check the host and port in ${INPUT.servers}, and that it is reachable from here (firewall, network rules).`;
  }
  const closed = find(
    (e) =>
      e.name === 'KafkaJSConnectionClosedError' ||
      e.name === 'KafkaJSRequestTimeoutError' ||
      e.code === 'ECONNRESET' ||
      e.message === 'Broker not connected',
  );
  if (closed) {
    const expects = !tls
      ? `it may expect TLS (${sasl ? 'SASL_SSL' : 'SSL or SASL_SSL'})`
      : !sasl
        ? 'it may expect a SASL login (SASL_SSL)'
        : 'it may use another protocol';
    return `Kafka at ${broker(closed)} closed the connection or did not answer (${reason(closed)}): ${expects} — check ${INPUT.protocol} (${security.protocol}) against the listener of the port in ${INPUT.servers}.`;
  }

  const missing = find((e) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION');
  if (missing) {
    return `${topic ? `Topic '${topic}'` : 'A topic the run uses'} does not exist on ${at} (UNKNOWN_TOPIC_OR_PARTITION): create it first, or let the run create its topics (input 'create-topics': true).`;
  }
  const denied = find((e) => typeof e.type === 'string' && e.type.endsWith('_AUTHORIZATION_FAILED'));
  if (denied) {
    return `${at} denied user '${security.sasl?.username ?? 'ANONYMOUS'}' (${denied.type}: ${reason(denied)}): grant the user the ACLs the run needs (describe and create topics, produce, consume with a group), or use another user (${INPUT.username}).`;
  }

  const innermost = errors.at(-1);
  const detail = innermost ? `${innermost.name ?? 'Error'}: ${reason(innermost)}` : String(error);
  return `${at} failed: ${detail}`;
}
