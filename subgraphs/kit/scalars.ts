/** The scalars every subgraph serves; the gateway enforces the same definitions (platform/scalars.ts). */
export { DateScalar, DateTimeScalar } from '../../platform/scalars';
