import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isABReport, type ABReport } from '../../src/gate/ab/report.js';
import {
  checkUntrustedABReport,
  checkUntrustedReport,
  MAX_UNTRUSTED_REPORT_BYTES,
  readUntrustedReport,
} from '../../src/report/untrusted.js';
import { ReportFileError, writeReport } from '../../src/report/summary.js';
import type { BenchmarkReport, Provenance } from '../../src/report/schema.js';
import { abReport, runs } from '../fixtures/report/ab-reports.js';
import { LINK_FORMS, REFUSED_LINK_FORMS } from '../fixtures/report/link-forms.js';
import { realisticReport } from '../fixtures/report/reports.js';

/** The provenance fields of a report from an untrusted artifact: checked like every other text. */
describe('checkUntrustedReport: provenance', () => {
  const refused = (edit: (report: BenchmarkReport) => void, message: RegExp) => {
    const report = realisticReport();
    edit(report);
    const error = (() => {
      try {
        checkUntrustedReport(report, 'head-report.json');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ReportFileError);
    expect((error as Error).message).toMatch(message);
  };
  const provenanceOf = (report: BenchmarkReport): Provenance => report.provenance!;
  const baselineOf = (report: BenchmarkReport): Provenance => report.baseline!.baselineProvenance!;

  it('accepts a report as measure writes it, and one of an older version without provenance', () => {
    const report = realisticReport();
    expect(report.provenance).toBeDefined();
    expect(report.baseline?.baselineProvenance).toBeDefined();
    expect(checkUntrustedReport(report, 'r.json')).toBe(report);
    const old = realisticReport();
    delete old.provenance;
    delete old.baseline!.baselineProvenance;
    expect(checkUntrustedReport(old, 'r.json')).toBe(old);
    const unknown = realisticReport();
    unknown.baseline!.baselineProvenance = null;
    unknown.provenance = { ...unknown.provenance!, commit: null, ref: null, dirty: null };
    expect(checkUntrustedReport(unknown, 'r.json')).toBe(unknown);
  });

  it('refuses a commit that is not a full object name (it is shown in a code span)', () => {
    refused((r) => (provenanceOf(r).commit = 'abc` **x** `'), /refused: provenance\.commit does not match/);
    refused((r) => (baselineOf(r).commit = 'ABC'), /refused: baseline\.baselineProvenance\.commit does not match/);
  });

  it('refuses markup, links, mentions and code spans in the runner, CPU model and ref', () => {
    refused((r) => (provenanceOf(r).runner.name = '<img src=x>'), /provenance\.runner\.name contains markup/);
    refused(
      (r) => (provenanceOf(r).runner.cpuModel = 'ping @octo-org'),
      /provenance\.runner\.cpuModel contains markup/,
    );
    refused((r) => (provenanceOf(r).ref = 'refs/heads/`x`'), /provenance\.ref contains markup/);
    refused(
      (r) => (baselineOf(r).runner.os = '[x](https://evil.example)'),
      /baseline\.baselineProvenance\.runner\.os contains markup/,
    );
    refused((r) => (baselineOf(r).runner.arch = 'x'.repeat(201)), /runner\.arch is longer than 200 characters/);
  });

  it('refuses wrong types', () => {
    refused(
      (r) => ((provenanceOf(r) as unknown as { runner: unknown }).runner = 'GitHub'),
      /provenance\.runner is not an object/,
    );
    refused(
      (r) => ((provenanceOf(r).runner as unknown as { cpuCount: unknown }).cpuCount = '4'),
      /provenance\.runner\.cpuCount is not a finite number/,
    );
    refused(
      (r) => ((provenanceOf(r) as unknown as { dirty: unknown }).dirty = 'no'),
      /provenance\.dirty is not true or false/,
    );
    refused((r) => ((r as unknown as { provenance: unknown }).provenance = null), /provenance is not an object/);
  });
});

/**
 * Every way a text becomes a link once GitHub renders the comment (GFM's autolinks, reference links,
 * GitHub's own references): refused, naming the kind, and look-alikes the tool writes itself pass.
 */
describe('checkUntrustedReport and checkUntrustedABReport: links in texts', () => {
  const refusal = (check: () => unknown): Error => {
    try {
      check();
    } catch (caught) {
      expect(caught).toBeInstanceOf(ReportFileError);
      return caught as Error;
    }
    throw new Error('not refused');
  };
  const inDetail = (text: string) => {
    const report = realisticReport();
    report.gate.reasons[0].detail = text;
    return () => checkUntrustedReport(report, 'head-report.json');
  };

  it.each(LINK_FORMS)('refuses %s', (_form, text, kind) => {
    expect(refusal(inDetail(text)).message).toContain(`gate.reasons[0].detail contains markup (${kind})`);
  });

  it.each(LINK_FORMS)('refuses %s in an A/B reason', (_form, text, kind) => {
    const report = abReport(runs(3, 600));
    report.reasons[0] = text;
    expect(refusal(() => checkUntrustedABReport(report, 'ab-report.json')).message).toContain(
      `reasons[0] contains markup (${kind})`,
    );
  });

  it.each(REFUSED_LINK_FORMS)('still refuses %s', (_form, text) => {
    expect(refusal(inDetail(text)).message).toMatch(/gate\.reasons\[0\]\.detail contains markup/);
  });

  it('accepts the look-alikes the tool writes: run ids, grouped counts, runner names, CPU models', () => {
    for (const text of [
      'Worse than baseline 20260302-110000-ef56 by more than 10.0%: Sustained throughput -12.0%.',
      'Keeps up: lag trend +1,234,567 records/s (at most +100 allowed).',
      'tier custom (1000000 events/s, 12 partitions, parallelism 4) local/simple-relay',
      'runner arc-runner-5d8f7c9b6-x2k4p, Intel(R) Xeon(R) Platinum 8272CL CPU @ 2.60GHz',
      'The runs did not all run the same workload (workload 3f2a9c in base round 1; 0be41d in head round 1)',
      'Q&A, [a bracket] alone, 50% of target # of events',
    ]) {
      expect(() => inDetail(text)()).not.toThrow();
    }
  });
});

/**
 * An A/B report from an untrusted artifact (the fork-safe gate's ab-report.json): every field the
 * comment shows is checked, and the metrics' texts must be the tool's own.
 */
describe('checkUntrustedABReport and readUntrustedReport: A/B reports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sas-untrusted-ab-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const failed = () => abReport(runs(3, 600));
  const refusal = (value: unknown): unknown => {
    try {
      checkUntrustedABReport(value, 'ab-report.json');
    } catch (caught) {
      return caught;
    }
    return undefined;
  };
  const refused = (edit: (report: ABReport) => void, message: RegExp) => {
    const report = failed();
    edit(report);
    const error = refusal(report);
    expect(error).toBeInstanceOf(ReportFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/exactly as ab writes it\.$/);
  };
  const written = async (report: unknown, name: string) => {
    const file = path.join(dir, name);
    await writeReport(file, report as object);
    return file;
  };

  it('accepts reports as mode ab assembles them (pass, fail after a confirmation pair, inconclusive), as objects and after a JSON round trip', () => {
    const reports = [
      abReport(runs(2, 1000)),
      failed(),
      abReport(runs(1, 1000).slice(0, 1), 'Stopped after round 1, base: the measurement is invalid.'),
    ];
    expect(reports.map((report) => report.verdict)).toEqual(['pass', 'fail', 'inconclusive']);
    for (const report of reports) {
      expect(checkUntrustedABReport(report, 'ab-report.json')).toBe(report);
      const roundTrip = JSON.parse(JSON.stringify(report)) as ABReport;
      expect(checkUntrustedABReport(roundTrip, 'ab-report.json')).toEqual(report);
    }
    // The fixture exercises the optional parts: a first run with provenance, null figures and intervals.
    expect(reports[1].head.firstRun?.provenance).toBeTruthy();
    expect(reports[2].comparisons.every((comparison) => comparison.headVsBase === null)).toBe(true);
  });

  it('readUntrustedReport tells the kinds apart: a written A/B report comes back checked, a benchmark report as before', async () => {
    const report = failed();
    const read = await readUntrustedReport(await written(report, 'ab-report.json'));
    expect(isABReport(read)).toBe(true);
    expect(read).toEqual(report);
    const benchmark = await readUntrustedReport(await written(realisticReport(), 'report.json'));
    expect(isABReport(benchmark)).toBe(false);
    expect(benchmark).toEqual(realisticReport());
  });

  it('refuses a file larger than any report before reading it', async () => {
    const file = path.join(dir, 'huge.json');
    await writeFile(file, JSON.stringify(failed()));
    await truncate(file, MAX_UNTRUSTED_REPORT_BYTES + 1);
    await expect(readUntrustedReport(file)).rejects.toThrow(
      /is 20,971,521 bytes, more than the 20,971,520 a report to comment with may have/,
    );
  });

  it('refuses a wrong kind: an unknown one, and an A/B report without its kind', async () => {
    const unknown = { ...failed(), kind: 'AB' };
    await expect(readUntrustedReport(await written(unknown, 'unknown-kind.json'))).rejects.toThrow(
      /refused: kind is not ab \(or absent\)/,
    );
    // Without a kind it is read as a benchmark report, which it is not.
    const { kind: _kind, ...withoutKind } = failed();
    await expect(readUntrustedReport(await written(withoutKind, 'no-kind.json'))).rejects.toThrow(
      /is incomplete: missing runId, rows, rampUp, gate, latencyMs/,
    );
    expect((refusal({ ...failed(), kind: 'benchmark' }) as Error).message).toMatch(/refused: kind is not "ab"/);
    expect((refusal(realisticReport()) as Error).message).toMatch(/refused: kind is not "ab"/);
  });

  const comparison = (report: ABReport, index = 0) => report.comparisons[index] as unknown as Record<string, unknown>;
  const run = (report: ABReport, index = 0) => report.runs[index] as unknown as Record<string, unknown>;
  const cases: Array<[string, (report: ABReport) => void, RegExp]> = [
    [
      'markup in a metric label',
      (r) => (comparison(r).label = '<img src=x onerror=alert(1)>'),
      /comparisons\[0\]\.label is not "Sustained throughput"/,
    ],
    [
      'a plain but different metric label',
      (r) => (comparison(r, 1).label = 'p99 latency (lower is better)'),
      /comparisons\[1\]\.label is not "p99 latency"/,
    ],
    ['another unit', (r) => (comparison(r).unit = 'ms'), /comparisons\[0\]\.unit is not "events\/s"/],
    [
      'a turned direction',
      (r) => (comparison(r).direction = 'lower-is-better'),
      /comparisons\[0\]\.direction is not "higher-is-better"/,
    ],
    ['another scale', (r) => (comparison(r, 2).scale = 'ratio'), /comparisons\[2\]\.scale is not "difference"/],
    [
      'an unknown metric',
      (r) => (comparison(r).metric = 'cpu'),
      /comparisons\[0\]\.metric is not one of sustained-throughput, p99-latency, ramp-up/,
    ],
    [
      'a metric twice',
      (r) => (r.comparisons[1] = r.comparisons[0]),
      /comparisons\[1\]\.metric repeats an earlier comparison/,
    ],
    [
      'an unknown metric verdict',
      (r) => (comparison(r).verdict = 'disaster'),
      /comparisons\[0\]\.verdict is not one of regression/,
    ],
    [
      'an interval that is not a number',
      (r) => (r.comparisons[0].headVsBase!.low = Infinity),
      /comparisons\[0\]\.headVsBase\.low is not a finite number/,
    ],
    [
      'a negative noise floor',
      (r) => (r.comparisons[0].noiseFloor.pooled = -1),
      /comparisons\[0\]\.noiseFloor\.pooled is less than 0/,
    ],
    ['a non-hex commit', (r) => (r.head.commit = 'main` **x** `'), /refused: head\.commit does not match/],
    ['an upper-case commit', (r) => (r.base.commit = 'ABCDEF'.repeat(7).slice(0, 40)), /base\.commit does not match/],
    [
      'markup in the first run runner name',
      (r) => (r.base.firstRun!.provenance!.runner.name = 'ping @octo-org/admins'),
      /base\.firstRun\.provenance\.runner\.name contains markup/,
    ],
    [
      'a first run id that would leave its code span',
      (r) => (r.head.firstRun!.runId = 'x` y'),
      /head\.firstRun\.runId does not match/,
    ],
    [
      'an unknown verdict',
      (r) => ((r as unknown as { verdict: string }).verdict = 'maybe'),
      /verdict is not one of pass, fail, inconclusive/,
    ],
    ['a link in a reason', (r) => (r.reasons[1] = 'see [here](https://evil.example)'), /reasons\[1\] contains markup/],
    [
      'a mention where it stopped early',
      (r) => (r.stoppedEarly = 'Stopped, cc @octo-org/admins'),
      /stoppedEarly contains markup/,
    ],
    [
      'a code span in a run problem',
      (r) => (r.runs[2].problems = ['`rm -rf`']),
      /runs\[2\]\.problems\[0\] contains markup/,
    ],
    [
      'an unknown platform',
      (r) => ((r as unknown as { platform: string }).platform = 'mars'),
      /platform is not one of local, external, aks, hdinsight/,
    ],
    ['an unknown tier', (r) => (r.tier.name = '<b>'), /tier\.name does not match/],
    ['a confidence above 1', (r) => (r.confidence = 95), /confidence is more than 1/],
    ['planned rounds below the minimum', (r) => (r.plannedRounds = 1), /plannedRounds is less than 2/],
    ['a fractional round', (r) => (run(r).round = 1.5), /runs\[0\]\.round is not a whole number/],
    ['a side that is neither', (r) => (run(r).side = 'middle'), /runs\[0\]\.side is not one of base, head/],
    ['a third position', (r) => (run(r).position = 3), /runs\[0\]\.position is not one of 1, 2/],
    [
      'a figure as text',
      (r) => ((r.runs[0].figures.values as Record<string, unknown>)['p99-latency'] = '12'),
      /runs\[0\]\.figures\.values\.p99-latency is not a finite number/,
    ],
    ['a time that is not one', (r) => (run(r).endedAt = 'yesterday'), /runs\[0\]\.endedAt does not match/],
    [
      'a folder of any length',
      (r) => (r.base.folder = 'x'.repeat(5000)),
      /base\.folder is not a string of at most 4096/,
    ],
    ['a report file that is not a string', (r) => (run(r).reportFile = 7), /runs\[0\]\.reportFile is not a string/],
    ['an unknown tool', (r) => ((r.tool as { name: string }).name = 'evil'), /tool\.name is not "streaming-at-scale"/],
    [
      'another schema version',
      (r) => ((r as unknown as { schemaVersion: number }).schemaVersion = 2),
      /schemaVersion is not 1/,
    ],
    [
      'too many runs',
      (r) => (r.runs = Array.from({ length: 43 }, () => r.runs[0])),
      /runs is not a list of at most 42 items/,
    ],
  ];
  it.each(cases)('refuses %s, naming the field', (_name, edit, message) => refused(edit, message));
});
