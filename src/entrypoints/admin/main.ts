// `npm run admin -- <command>` and the `vidu-ad-admin` bin: the operator's
// tool for listing, inspecting, editing, approving, cancelling and watching ads.
import { runMain } from '../../config';
import { connectClient } from '../../temporal/connection';
import { runAdminCli } from './commands';

runMain(async () => {
  process.exitCode = await runAdminCli(process.argv.slice(2), {
    connect: () => connectClient(),
    io: {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      write: (text) => process.stdout.write(text),
      isTTY: process.stdout.isTTY === true,
    },
  });
}, { envFile: true });
