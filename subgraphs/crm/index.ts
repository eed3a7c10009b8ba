import { runSubgraphProcess } from '../kit/main';
import { crmSystem } from './server';

runSubgraphProcess(crmSystem);
