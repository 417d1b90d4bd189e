import { poolOp } from './pool.ts';

export const maxpool = poolOp('maxpool', 'max');
