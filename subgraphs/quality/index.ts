import { runSubgraphProcess } from '../kit/main';
import { qualitySystem } from './server';

runSubgraphProcess(qualitySystem);
