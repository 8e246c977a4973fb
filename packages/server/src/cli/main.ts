import { parseArgs } from 'node:util';
import { ERROR_CODES } from '../../../contract/src/errors.ts';
import { AppError } from '../shared/app-error.ts';
import { runCommand, USAGE } from './commands.ts';

/** Entry point of the `oversight` CLI: parse, run, translate errors to exit codes once. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const json = values['json'] === true;
  if (values['help'] || positionals.length === 0) {
    process.stdout.write(USAGE);
    return positionals.length === 0 && !values['help'] ? 2 : 0;
  }
  try {
    return await runCommand(argv, {
      json,
      out: (s) => process.stdout.write(s),
      err: (s) => process.stderr.write(s),
    });
  } catch (error) {
    const e = error instanceof AppError ? error : null;
    if (json) {
      process.stdout.write(
        JSON.stringify({
          error: {
            code: e?.code ?? 'INTERNAL',
            message: e?.message ?? String((error as Error)?.message ?? error),
            ...(e?.details ? { details: e.details } : {}),
          },
        }) + '\n',
      );
    } else if (e) {
      process.stderr.write(`error ${e.code}: ${e.message}\n`);
      const issues = (e.details?.['issues'] as { path: string; message: string }[] | undefined) ?? [];
      for (const i of issues) process.stderr.write(`  ${i.path}: ${i.message}\n`);
    } else {
      process.stderr.write(`error INTERNAL: ${(error as Error)?.stack ?? String(error)}\n`);
    }
    return e ? ERROR_CODES[e.code].exitCode : 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
