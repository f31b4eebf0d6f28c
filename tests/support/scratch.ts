// Scratch databases moved to ops/scratch/ (benchmarks use them too); tests keep importing them here.
export {
  createScratch,
  dropLoginRoles,
  type Scratch,
  scratchEnv,
} from '../../ops/scratch/scratch-databases.ts';
