/** docs/cost.md's formula (src/report/cost.ts), figure by figure. */
import { TIER_PRESETS, customTier } from '../../src/config/tiers.js';
import { billedHours, estimateRunCost, nodePools, PRICES_DATE, usdPerHour } from '../../src/report/cost.js';

describe('the cost estimate', () => {
  it('bills deploy (0.5 h), the measurement plus the load margin (1 min), and teardown (0.25 h)', () => {
    expect(billedHours(30)).toBeCloseTo(0.5 + 31 / 60 + 0.25, 12);
    expect(billedHours(10)).toBeCloseTo(56 / 60, 12);
  });

  it("prices aks tier 1: the Kafka cluster's 2 head + 4 workers D3 v2 and 3 ZooKeeper A4 v2, plus 3 x D2s v3", () => {
    const pools = nodePools('aks', TIER_PRESETS['1']);
    expect(pools.map((p) => `${p.cluster} ${p.role} ${p.count} x ${p.size} @ ${p.usdPerNodeHour}`)).toEqual([
      'kafka head 2 x Standard_D3_V2 @ 0.314',
      'kafka worker 4 x Standard_D3_V2 @ 0.314',
      'kafka zookeeper 3 x Standard_A4_v2 @ 0.19',
      'aks node 3 x Standard_D2s_v3 @ 0.096',
    ]);
    expect(usdPerHour(pools)).toBeCloseTo(6 * 0.314 + 3 * 0.19 + 3 * 0.096, 12); // 2.742
  });

  it('prices hdinsight with a second HDInsight cluster (Hadoop: 2 head + 3 workers D3 v2, 3 ZooKeeper A4 v2)', () => {
    for (const tier of ['1', '5', '10'] as const)
      expect(usdPerHour(nodePools('hdinsight', TIER_PRESETS[tier]))).toBeCloseTo(11 * 0.314 + 6 * 0.19, 12); // 4.594
  });

  it('gives the seed run (aks tier 1, 30 minutes) 3.47 $ with every part in the report', () => {
    const cost = estimateRunCost('aks', TIER_PRESETS['1'], 30)!;
    expect(cost).toMatchObject({ estimatedUsd: 3.47, minutes: 30, pricesDate: PRICES_DATE });
    expect(cost.billedHours * cost.usdPerHour).toBeCloseTo(3.4732, 4);
    expect(cost.nodePools).toHaveLength(4);
  });

  it('sizes a custom rate like the preset it falls in, and local costs no Azure at all', () => {
    expect(estimateRunCost('aks', customTier(500), 10)).toEqual(estimateRunCost('aks', TIER_PRESETS['1'], 10));
    expect(estimateRunCost('aks', customTier(7000), 10)!.usdPerHour).toBeCloseTo(2.454 + 4 * 0.192, 12);
    expect(estimateRunCost('local', TIER_PRESETS['1'], 30)).toBeNull();
  });

  it('refuses a size it has no price for, rather than guessing', () => {
    const tier = { ...TIER_PRESETS['1'], aksNodes: { count: 3, size: 'Standard_E8s_v5' } };
    expect(() => nodePools('aks', tier)).toThrow('No VM price for Standard_E8s_v5');
  });
});
