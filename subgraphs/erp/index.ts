import { runSubgraphProcess } from '../kit/main';
import { erpSystem } from './server';

runSubgraphProcess(erpSystem);
