/** The simulator-image input: validation of a given reference, the default's owner and version. */
import { defaultSimulatorImage, parseConfig } from '../../src/config/config.js';
import type { RawInputs } from '../../src/config/inputs.js';
import { InputError } from '../../src/errors.js';
import { TOOL_VERSION } from '../../src/version.js';

const HDINSIGHT: RawInputs = {
  platform: 'hdinsight',
  'solution-name': 'sasbench01',
  'client-id': '11111111-2222-3333-4444-555555555555',
  'tenant-id': '66666666-7777-8888-9999-000000000000',
  'subscription-id': 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
};
const NO_GITHUB: NodeJS.ProcessEnv = {};

function inputError(inputs: RawInputs, env: NodeJS.ProcessEnv = NO_GITHUB): InputError {
  try {
    parseConfig(inputs, env);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('parseConfig accepted the inputs');
}

describe('simulator-image', () => {
  it.each([
    ['a space', 'ghcr.io/org/streaming-at-scale-simulator :1', /must not contain spaces/],
    ['an upper-case repository', 'ghcr.io/Org/Simulator:1', /lower case/],
    ['an empty tag', 'ghcr.io/org/simulator:', /\[registry\/\]path\[:tag\]/],
    ['a bad digest', 'ghcr.io/org/simulator@sha256:xyz', /\[registry\/\]path\[:tag\]/],
    ['a scheme', 'https://ghcr.io/org/simulator:1', /\[registry\/\]path\[:tag\]/],
    ['a tag with a slash', 'ghcr.io/org/simulator:v1/x', /\[registry\/\]path\[:tag\]/],
    ['a double slash', 'ghcr.io//simulator', /\[registry\/\]path\[:tag\]/],
  ])('rejects %s', (_what, image, hint) => {
    const error = inputError({ ...HDINSIGHT, mode: 'load', 'simulator-image': image });
    expect(error.input).toBe('simulator-image');
    expect(error.message).toContain(JSON.stringify(image));
    expect(error.message).toMatch(hint);
    expect(error.message).toContain(`ghcr.io/<owner>/streaming-at-scale-simulator:${TOOL_VERSION}`);
  });

  it.each([
    'ghcr.io/org/streaming-at-scale-simulator:1',
    'myregistry.azurecr.io/team/sim:2026.11.26-rc_1',
    'localhost:5000/sim',
    'MyRegistry.AzureCR.io/sim:latest',
    'org/sim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'nginx',
  ])('accepts %s as given', (image) => {
    expect(parseConfig({ ...HDINSIGHT, mode: 'load', 'simulator-image': image }, NO_GITHUB).simulatorImage).toBe(image);
  });

  it("defaults to this version's release image under the action's owner, else the repository's", () => {
    const image = (env: NodeJS.ProcessEnv) => parseConfig({ ...HDINSIGHT, mode: 'load' }, env).simulatorImage;
    expect(image({ GITHUB_ACTION_REPOSITORY: 'Contoso/streaming-at-scale', GITHUB_REPOSITORY_OWNER: 'fabrikam' })).toBe(
      `ghcr.io/contoso/streaming-at-scale-simulator:${TOOL_VERSION}`,
    );
    // `uses: ./` leaves GITHUB_ACTION_REPOSITORY empty.
    expect(image({ GITHUB_ACTION_REPOSITORY: '', GITHUB_REPOSITORY_OWNER: 'Fabrikam' })).toBe(
      `ghcr.io/fabrikam/streaming-at-scale-simulator:${TOOL_VERSION}`,
    );
    expect(defaultSimulatorImage(NO_GITHUB)).toBeUndefined();
  });

  it('is required outside GitHub Actions only by the modes that run the image', () => {
    for (const mode of ['load', 'measure', 'run']) {
      const error = inputError({ ...HDINSIGHT, mode });
      expect(error.input).toBe('simulator-image');
      expect(error.message).toMatch(/outside GitHub Actions no default owner is known: set it/);
    }
    for (const mode of ['deploy', 'teardown', 'submit-flink'])
      expect(parseConfig({ ...HDINSIGHT, mode }, NO_GITHUB).simulatorImage).toBeUndefined();
    expect(parseConfig({ mode: 'load' }, { GITHUB_REPOSITORY_OWNER: 'org' }).simulatorImage).toBeUndefined();
  });
});
