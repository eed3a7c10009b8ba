import { buildSubgraph } from '../../../../subgraphs/kit/schema';
import type { GaugesContext } from './context';
import { gaugeReference } from './gauge/gauge.reference';
import { GaugeResolver } from './gauge/gauge.resolver';

/** The gauges subgraph's schema; needs no database, so compose can print it. */
export function buildGaugesSchema() {
  return buildSubgraph<GaugesContext>({
    resolvers: [GaugeResolver],
    federationImports: ['@key'],
    referenceResolvers: { Gauge: gaugeReference },
  });
}
