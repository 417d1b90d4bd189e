export { spaceToDepth } from './depth_to_space.ts';
