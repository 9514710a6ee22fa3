// `npm run campaign -- <command>`: campaigns from the command line (see ./commands.ts).
import { artifactStoreFromConfig } from '../../artifacts/artifactStoreFromConfig';
import { loadConfig, runMain } from '../../config';
import { connectClient } from '../../temporal/connection';
import { runCampaignCli } from './commands';

runMain(async () => {
  const config = loadConfig();
  process.exitCode = await runCampaignCli(process.argv.slice(2), {
    connect: () => connectClient(),
    taskQueue: config.taskQueue,
    artifacts: artifactStoreFromConfig(config),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}, { envFile: true });
