import type { GaugesContext } from '../context';

/** `_entities` for Gauge: through the loader, so 200 representations are one statement. */
export const gaugeReference = {
  __resolveReference: (ref: { id: string }, ctx: GaugesContext) => ctx.loaders.gauge.load(ref.id),
};
