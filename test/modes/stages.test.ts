import { parseConfig } from '../../src/config/config.js';
import { AZURE_MEASURE_START_SECONDS, LOAD_MARGIN_SECONDS, loadSeconds } from '../../src/modes/stages.js';

const AZURE = {
  'client-id': '11111111-2222-3333-4444-555555555555',
  'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
  'subscription-id': '00000000-0000-0000-0000-000000000001',
  'simulator-image': 'ghcr.io/org/streaming-at-scale-simulator:1.0.0',
  'solution-name': 'sasbench01',
};

describe('how long a load lasts', () => {
  it('with wait: exactly the minutes asked for', () => {
    expect(loadSeconds(parseConfig({ mode: 'load', minutes: '0.5', wait: 'true' }, {}))).toBe(30);
    expect(loadSeconds(parseConfig({ mode: 'load', platform: 'aks', minutes: '2', wait: 'true', ...AZURE }, {}))).toBe(
      120,
    );
  });

  it('without wait: until the measurement that follows has had full load to its end', () => {
    expect(loadSeconds(parseConfig({ mode: 'load', minutes: '3' }, {}))).toBe(180 + LOAD_MARGIN_SECONDS);
    expect(loadSeconds(parseConfig({ mode: 'load', platform: 'hdinsight', minutes: '3', ...AZURE }, {}))).toBe(
      180 + AZURE_MEASURE_START_SECONDS,
    );
  });
});
