import { checkUntrustedReport } from '../../src/report/untrusted.js';
import { ReportFileError } from '../../src/report/summary.js';
import type { BenchmarkReport, Provenance } from '../../src/report/schema.js';
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
