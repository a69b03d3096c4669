import { helpText, parseCommandLine } from '../../src/cli/args.js';
import { INPUT_NAMES } from '../../src/config/inputs.js';
import { UserError } from '../../src/errors.js';

describe('parseCommandLine', () => {
  it('takes the mode and the action input names as flags', () => {
    expect(parseCommandLine(['run', '--platform', 'local', '--tier', '5', '--minutes=2'], {})).toEqual({
      kind: 'mode',
      inputs: { mode: 'run', platform: 'local', tier: '5', minutes: '2' },
    });
  });

  it('accepts bare boolean flags', () => {
    expect(parseCommandLine(['load', '--wait', '--tier', '2000'], {})).toEqual({
      kind: 'mode',
      inputs: { mode: 'load', wait: 'true', tier: '2000' },
    });
    expect(parseCommandLine(['load', '--wait', 'false'], {})).toMatchObject({ inputs: { wait: 'false' } });
  });

  it('fills missing inputs from the environment, flags first', () => {
    const env = { STREAMING_AT_SCALE_TIER: '10', STREAMING_AT_SCALE_MINUTES: '5', GITHUB_TOKEN: 'ghs_x' };
    expect(parseCommandLine(['measure', '--minutes', '3'], env)).toEqual({
      kind: 'mode',
      inputs: { mode: 'measure', tier: '10', minutes: '3', 'github-token': 'ghs_x' },
    });
  });

  it('asks for help with no mode or --help', () => {
    expect(parseCommandLine([], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['run', '--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    [['run', '--bogus', '1'], /Unknown option '--bogus'.*--help/],
    [['run', 'load'], /Expected one mode, got 'run load'/],
    [['run', '--tier'], /--tier/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommandLine(argv, {})).toThrow(UserError);
    expect(() => parseCommandLine(argv, {})).toThrow(message);
  });

  it('lists every mode and input in --help', () => {
    const help = helpText();
    for (const mode of ['deploy', 'submit-flink', 'load', 'measure', 'teardown', 'cleanup', 'run']) {
      expect(help).toContain(`  ${mode} `);
    }
    for (const name of INPUT_NAMES.filter((name) => name !== 'mode')) expect(help).toContain(`--${name}`);
  });
});
