import { runSubgraphProcess } from '../kit/main';
import { inventorySystem } from './server';

runSubgraphProcess(inventorySystem);
