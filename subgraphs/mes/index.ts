import { runSubgraphProcess } from '../kit/main';
import { mesSystem } from './server';

runSubgraphProcess(mesSystem);
