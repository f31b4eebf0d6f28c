import { test as base } from 'vitest';
import {
  createPipelineDeps,
  type ExtractTuning,
  type PipelineDeps,
  type PipelineRunRequest,
  type PipelineRunSummary,
  runPipeline,
} from '../../pipeline/index.ts';
import { createScratch, type Scratch } from './scratch.ts';
import { SourceWriter, seedSmallShop } from './source-writer.ts';
import { teardownWithin } from './wait-until.ts';
import { TEST_TABLES } from './warehouse-checks.ts';

/**
 * The set-up most integration files share, as vitest fixtures, each made once per file when a test
 * first asks for it and dropped after the file's last test:
 * - `scratch`: private source databases and warehouse (createScratch);
 * - `writer`: writes to the scratch's sources as the services would;
 * - `deps`: the pipeline's dependencies on the scratch, with the extract sizes of `tuning`;
 * - `run`: one incremental run of every test table (its request fields can be overridden);
 * - `twin`: a second warehouse on the same sources, with its own deps and run, to compare the first
 *   with what a plain `--local` run of the same sources builds.
 * A file that needs smaller extract units says so with `etlTest.scoped({ tuning: {...} })`.
 */
type Run = (request?: Partial<PipelineRunRequest>) => Promise<PipelineRunSummary>;

export interface EtlFixtures {
  tuning: Partial<ExtractTuning>;
  scratch: Scratch;
  writer: SourceWriter;
  deps: PipelineDeps;
  run: Run;
  twin: { scratch: Scratch; deps: PipelineDeps; run: Run };
}

const runOf =
  (deps: PipelineDeps): Run =>
  (request = {}) =>
    runPipeline(deps, { tables: TEST_TABLES, kind: 'incremental', trigger: 'test', ...request });

export const etlTest = base.extend<EtlFixtures>({
  tuning: [{}, { scope: 'file' }],
  scratch: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixtures a fixture needs from this pattern
    async ({}, use) => {
      const scratch = await createScratch();
      await use(scratch);
      await scratch.drop();
    },
    { scope: 'file' },
  ],
  writer: [
    async ({ scratch }, use) => {
      const writer = new SourceWriter(scratch.config);
      await use(writer);
      await writer.close();
    },
    { scope: 'file' },
  ],
  deps: [
    async ({ scratch, tuning }, use) => {
      const deps = createPipelineDeps(scratch.config, tuning);
      await use(deps);
      await teardownWithin('closing the pipeline deps', deps.close());
    },
    { scope: 'file' },
  ],
  run: [
    async ({ deps }, use) => {
      await use(runOf(deps));
    },
    { scope: 'file' },
  ],
  twin: [
    async ({ scratch }, use) => {
      const twin = await createScratch({ sourcesOf: scratch });
      const deps = createPipelineDeps(twin.config);
      await use({ scratch: twin, deps, run: runOf(deps) });
      await teardownWithin("closing the twin's pipeline deps", deps.close());
      await twin.drop();
    },
    { scope: 'file' },
  ],
});

/**
 * The shared ETL fixtures plus `loadedShop`: the small shop (seedSmallShop) in the sources, loaded by a
 * first run. Its name is its own: vitest 3.2 resolves a file-scoped fixture by name across every
 * extension of one base, so a second `shop` defined on etlTest elsewhere would run this one instead.
 */
export const loadedShopTest = etlTest.extend<{ loadedShop: Awaited<ReturnType<typeof seedSmallShop>> }>({
  loadedShop: [
    async ({ writer, run }, use) => {
      const shop = await seedSmallShop(writer);
      await run();
      await use(shop);
    },
    { scope: 'file' },
  ],
});
