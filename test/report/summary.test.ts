import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderMarkdown } from '../../src/report/render.js';
import { parseReport, publishSummary, readReport, ReportFileError, writeReport } from '../../src/report/summary.js';
import { recordingReporter } from '../fixtures/report/recording-reporter.js';
import { realisticReport } from '../fixtures/report/reports.js';

describe('report files and the summary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sas-report-'));
  });

  it('writes the same markdown to the job summary and to --summary-file', async () => {
    const reporter = recordingReporter();
    const markdown = renderMarkdown(realisticReport());
    const summaryFile = path.join(dir, 'nested', 'summary.md');
    await publishSummary(markdown, { reporter, summaryFile });
    expect(reporter.summaries).toEqual([markdown]);
    expect(await readFile(summaryFile, 'utf8')).toBe(markdown);
  });

  it('round-trips a report through writeReport and readReport', async () => {
    const report = realisticReport();
    const file = path.join(dir, 'run', 'report.json');
    await writeReport(file, report);
    expect(await readReport(file)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(JSON.parse(await readFile(file, 'utf8')).schemaVersion).toBe(1);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['not JSON', 'IncomingMessages 37092', /is not JSON .*expected a streaming-at-scale report/],
    ['another tool', JSON.stringify({ benches: [] }), /is not a streaming-at-scale report/],
    [
      'a newer schema',
      JSON.stringify({ schemaVersion: 2, tool: { name: 'streaming-at-scale', version: '9.0.0' } }),
      /schemaVersion 2; this version \(streaming-at-scale\) reads schemaVersion 1\. It was written by a newer version/,
    ],
    [
      'no schema version',
      JSON.stringify({ tool: { name: 'streaming-at-scale', version: '0.0.1' } }),
      /schemaVersion undefined/,
    ],
    [
      'an incomplete report',
      JSON.stringify({ schemaVersion: 1, tool: { name: 'streaming-at-scale', version: '0.1.0' }, runId: 'x' }),
      /is incomplete: missing tier, rows, rampUp, gate, latencyMs/,
    ],
  ];
  it.each(cases)('refuses %s with a clear error', async (_name, text, message) => {
    const file = path.join(dir, 'bad.json');
    await writeFile(file, text);
    await expect(readReport(file)).rejects.toThrow(ReportFileError);
    await expect(readReport(file)).rejects.toThrow(message);
    expect(() => parseReport(text, file)).toThrow(message);
  });

  it('says when the file does not exist', async () => {
    await expect(readReport(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json' does not exist/);
  });
});
