// Generates src/lib/database.types.ts with the Supabase CLI from the running database.
// `--check` fails instead of writing when the committed file is stale (CI runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { loadStackConfig } from '../local-supabase/config.ts';
import { cliDbUrl, runSupabaseCli } from '../local-supabase/postgres/migrations.ts';
import { projectRoot } from './supabase-env.ts';

const target = path.join(projectRoot, 'src', 'lib', 'database.types.ts');
const config = loadStackConfig(projectRoot);
const dbUrl = process.env.SUPABASE_DB_URL ? `${process.env.SUPABASE_DB_URL}` : cliDbUrl(config);

const raw = await runSupabaseCli(config, ['gen', 'types', 'typescript', `--remote=${dbUrl}`, '--schema', 'public']);
const options = (await prettier.resolveConfig(target)) ?? {};
const generated = await prettier.format(raw, { ...options, filepath: target });

if (process.argv.includes('--check')) {
	const committed = readFileSync(target, 'utf8');
	if (committed !== generated) {
		console.error('src/lib/database.types.ts is stale: run `npm run db:types` and commit the result.');
		process.exit(1);
	}
	console.log('src/lib/database.types.ts matches the database.');
} else {
	writeFileSync(target, generated);
	console.log('Wrote src/lib/database.types.ts');
}
