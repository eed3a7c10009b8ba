import { runSubgraphProcess } from '../kit/main';
import { auditsSystem } from './server';

runSubgraphProcess(auditsSystem);
