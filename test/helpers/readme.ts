/** The README's shell examples, read from it, so the tests run exactly what a reader copies. */
import { readFileSync } from 'node:fs';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The CI script between `<!-- ci-example:start -->` and `<!-- ci-example:end -->`. */
export const ciScript = /<!-- ci-example:start -->\n```sh\n([\s\S]*?)```\n<!-- ci-example:end -->/.exec(README)![1]!;

/** Every other `sh` block that calls Orgraph through `$ORGRAPH_URL`: the examples to run against `npm start`. */
export const curlExamples: string[] = [...README.matchAll(/```sh\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((block) => block !== ciScript && block.includes('curl') && block.includes('$ORGRAPH_URL'));
