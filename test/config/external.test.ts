import { parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { kafkaClientProperties, propertiesText } from '../../src/kafka/client-properties.js';
import { expectInputError } from '../helpers/input-errors.js';

const EXTERNAL: RawInputs = { mode: 'run', platform: 'external', 'kafka-bootstrap-servers': 'b1.example.com:9093' };
const PASSWORD = 'p@ss "w\\rd" ünïcødé';
const SCRAM: RawInputs = {
  ...EXTERNAL,
  'kafka-security-protocol': 'SASL_SSL',
  'kafka-sasl-mechanism': 'SCRAM-SHA-512',
  'kafka-username': 'bench',
  'kafka-password': PASSWORD,
  'kafka-ca-file': '/etc/ssl/kafka-ca.pem',
};

describe('platform external: the inputs', () => {
  it('PLAINTEXT by default, topics created by the run, a Flink started here', () => {
    const config = parseConfig({ ...EXTERNAL, 'kafka-bootstrap-servers': ' b1:9092, [::1]:9093 ,10.0.0.4:9094' });
    expect(config.external).toEqual({
      kafka: {
        bootstrapServers: 'b1:9092,[::1]:9093,10.0.0.4:9094',
        security: { protocol: 'PLAINTEXT' },
        createTopics: true,
      },
      flink: undefined,
    });
    expect(config.azure).toBeUndefined();
    expect(config.audit).toBe(true); // the built-in relay's output is readable there too
  });

  it('SASL_SSL with SCRAM, a CA file, and a Flink cluster of the user for a plaintext cluster', () => {
    expect(parseConfig(SCRAM).external!.kafka.security).toEqual({
      protocol: 'SASL_SSL',
      caFile: '/etc/ssl/kafka-ca.pem',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'bench', password: PASSWORD },
    });
    const remote = parseConfig({
      ...EXTERNAL,
      'flink-rest-url': 'https://flink.example.com:8081/',
      'flink-rest-auth-header': 'Bearer abc',
      'create-topics': 'false',
    });
    expect(remote.external!.flink).toEqual({ restUrl: 'https://flink.example.com:8081', authHeader: 'Bearer abc' });
    expect(remote.external!.kafka.createTopics).toBe(false);
  });

  // [what, inputs, input named, text the error must contain]
  const bad: Array<[string, RawInputs, string, RegExp]> = [
    ['no bootstrap servers', { mode: 'run', platform: 'external' }, 'kafka-bootstrap-servers', /host:port/],
    [
      'a URL for a broker',
      { ...EXTERNAL, 'kafka-bootstrap-servers': 'kafka://b1:9092' },
      'kafka-bootstrap-servers',
      /'kafka:\/\/b1:9092' is not host:port/,
    ],
    [
      'no port',
      { ...EXTERNAL, 'kafka-bootstrap-servers': 'b1:9092,b2' },
      'kafka-bootstrap-servers',
      /'b2' is not host:port/,
    ],
    ['port 70000', { ...EXTERNAL, 'kafka-bootstrap-servers': 'b1:70000' }, 'kafka-bootstrap-servers', /1 to 65535/],
    [
      'an empty entry',
      { ...EXTERNAL, 'kafka-bootstrap-servers': 'b1:9092,' },
      'kafka-bootstrap-servers',
      /An empty entry/,
    ],
    [
      'unknown protocol',
      { ...EXTERNAL, 'kafka-security-protocol': 'TLS' },
      'kafka-security-protocol',
      /PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/,
    ],
    [
      'unknown mechanism',
      { ...SCRAM, 'kafka-sasl-mechanism': 'OAUTHBEARER' },
      'kafka-sasl-mechanism',
      /PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/,
    ],
    ['SASL without a user', { ...SCRAM, 'kafka-username': '' }, 'kafka-username', /user name/],
    [
      'SASL without a password',
      { ...SCRAM, 'kafka-password': '' },
      'kafka-password',
      /STREAMING_AT_SCALE_KAFKA_PASSWORD/,
    ],
    ['a password without SASL', { ...EXTERNAL, 'kafka-password': 'x' }, 'kafka-password', /uses no SASL/],
    ['a CA file without TLS', { ...EXTERNAL, 'kafka-ca-file': 'ca.pem' }, 'kafka-ca-file', /uses no TLS/],
    [
      'Kafka inputs on platform local',
      { mode: 'run', 'kafka-bootstrap-servers': 'b1:9092' },
      'kafka-bootstrap-servers',
      /applies to platform 'external'/,
    ],
    [
      'an auth header without a Flink URL',
      { ...EXTERNAL, 'flink-rest-auth-header': 'Bearer x' },
      'flink-rest-auth-header',
      /flink-rest-url/,
    ],
    [
      'a Flink URL that is not http',
      { ...EXTERNAL, 'flink-rest-url': 'flink.example.com:8081' },
      'flink-rest-url',
      /http\(s\) URL/,
    ],
    [
      'credentials in the Flink URL',
      { ...EXTERNAL, 'flink-rest-url': 'https://admin:hunter2@flink.example.com' },
      'flink-rest-url',
      /flink-rest-auth-header/,
    ],
    [
      'a Flink of the user with a secured Kafka',
      { ...SCRAM, 'flink-rest-url': 'https://flink.example.com' },
      'flink-rest-url',
      /cannot read/,
    ],
    ['create-topics maybe', { ...EXTERNAL, 'create-topics': 'maybe' }, 'create-topics', /true or false/],
    ['cleanup on external', { ...EXTERNAL, mode: 'cleanup' }, 'platform', /Azure resource groups/],
    ['ab on external', { ...EXTERNAL, mode: 'ab' }, 'platform', /use platform 'local'/],
  ];
  it.each(bad)('%s: one InputError naming the input', (_what, inputs, input, message) => {
    const error = expectInputError(() => parseConfig(inputs), input, message);
    // A secret is never echoed, nor credentials given in a URL.
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('the Kafka client properties the Flink job reads', () => {
  it('names the settings as Kafka does, with the password quoted for JAAS', () => {
    const config = parseConfig(SCRAM);
    const properties = kafkaClientProperties({
      bootstrapServers: config.external!.kafka.bootstrapServers,
      security: config.external!.kafka.security,
    });
    expect(properties).toEqual({
      'bootstrap.servers': 'b1.example.com:9093',
      'security.protocol': 'SASL_SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': '/etc/ssl/kafka-ca.pem',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="bench" password="p@ss \\"w\\\\rd\\" ünïcødé";',
    });
    expect(kafkaClientProperties({ bootstrapServers: 'b:1', security: { protocol: 'PLAINTEXT' } })).toEqual({
      'bootstrap.servers': 'b:1',
      'security.protocol': 'PLAINTEXT',
    });
  });

  it('writes java.util.Properties text that reads back to the same values', () => {
    const text = propertiesText({ 'a key': ' lead=x:y#!\\ \n\tü€', plain: 'v' });
    expect(text).toBe('a\\ key=\\ lead\\=x\\:y\\#\\!\\\\ \\n\\t\\u00fc\\u20ac\nplain=v\n');
  });
});
