import { helpText, parseCommandLine, TOKEN_FLAG_WARNING } from '../../src/cli/args.js';
import { INPUT_NAMES } from '../../src/config/inputs.js';
import { UserError } from '../../src/errors.js';

describe('parseCommandLine', () => {
  it('takes the mode and the action input names as flags', () => {
    expect(parseCommandLine(['run', '--platform', 'local', '--tier', '5', '--minutes=2'], {})).toEqual({
      kind: 'mode',
      inputs: { mode: 'run', platform: 'local', tier: '5', minutes: '2' },
    });
  });

  it('takes a job-args or job-build-command value that starts with a dash whole', () => {
    expect(
      parseCommandLine(
        ['run', '--job-args', '--bootstrap-servers {bootstrap}', '--job-build-command', '--x', '--tier', '1'],
        {},
      ),
    ).toEqual({
      kind: 'mode',
      inputs: { mode: 'run', 'job-args': '--bootstrap-servers {bootstrap}', 'job-build-command': '--x', tier: '1' },
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

  it.each([
    [['deploy', '--tier', '1', '--tier', '5'], /^Option '--tier' is given 2 times \("1", "5"\): give it once\.$/],
    [['deploy', '--tier=1', '--tier', '5', '--tier=10'], /^Option '--tier' is given 3 times \("1", "5", "10"\)/],
    [['load', '--wait', '--wait', 'false'], /^Option '--wait' is given 2 times \("true", "false"\)/],
  ])('refuses a repeated flag: %j', (argv, message) => {
    expect(() => parseCommandLine(argv, {})).toThrow(UserError);
    expect(() => parseCommandLine(argv, {})).toThrow(message);
  });

  it('never repeats a secret in its errors', () => {
    const argv = ['measure', '--github-token', 'ghp_first', '--github-token', 'ghp_second'];
    expect(() => parseCommandLine(argv, {})).toThrow(/^Option '--github-token' is given 2 times: give it once\.$/);
  });

  it('cuts a huge unknown option or mode in its errors', () => {
    const big = 'x'.repeat(100_000);
    for (const argv of [
      ['run', `--${big}`, '1'],
      ['run', big],
    ]) {
      let message = '';
      try {
        parseCommandLine(argv, {});
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain('… (100,00');
      expect(message.length).toBeLessThan(400);
    }
  });

  it('warns when the token is given as a flag, not from the environment', () => {
    expect(parseCommandLine(['measure', '--github-token', 'ghp_x'], {})).toEqual({
      kind: 'mode',
      inputs: { mode: 'measure', 'github-token': 'ghp_x' },
      warnings: [TOKEN_FLAG_WARNING],
    });
    expect(parseCommandLine(['measure'], { GITHUB_TOKEN: 'ghp_x' })).not.toHaveProperty('warnings');
    expect(TOKEN_FLAG_WARNING).toMatch(/visible .*\(ps, .*GITHUB_TOKEN or STREAMING_AT_SCALE_GITHUB_TOKEN/);
    expect(helpText()).toMatch(
      /--github-token .*Prefer the environment variable GITHUB_TOKEN or STREAMING_AT_SCALE_GITHUB_TOKEN: a flag is visible to other users in ps\./,
    );
  });

  it('lists every mode and input in --help', () => {
    const help = helpText();
    for (const mode of ['deploy', 'submit-flink', 'load', 'measure', 'teardown', 'cleanup', 'run']) {
      expect(help).toContain(`  ${mode} `);
    }
    for (const name of INPUT_NAMES.filter((name) => name !== 'mode')) expect(help).toContain(`--${name}`);
  });
});
