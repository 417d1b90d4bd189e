import { poolOp } from './pool.ts';

export const avgpool = poolOp('avgpool', 'avg');
